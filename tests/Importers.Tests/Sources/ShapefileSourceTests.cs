using System.Text;
using DigitalTwin.Importers.Sources;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;

namespace DigitalTwin.Importers.Tests.Sources;

/// <summary>Shapefiles written here with NTS, then altered the way real ones come: another code page, files missing.</summary>
public sealed class ShapefileSourceTests : IDisposable
{
    private const string Prj = """PROJCS["SWEREF99_TM",GEOGCS["GCS_SWEREF99",DATUM["D_SWEREF99",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

    private readonly string directory = Directory.CreateTempSubdirectory("shp-tests-").FullName;

    static ShapefileSourceTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Reads_geometry_attributes_and_the_prj()
    {
        var path = WriteShapefile("parks", Encoding.UTF8, "Humlegården", "Rålambshovsparken");
        using var source = ShapefileSource.Open(path);
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        source.Format.ShouldBe("Shapefile");
        source.Crs.ShouldBe(new SourceCrs(null, Prj));
        source.Progress.ShouldBe(1.0);
        features.Select(f => f.Number).ShouldBe([1L, 2L]);
        features.Select(f => f.Attributes["namn"]).ShouldBe(["Humlegården", "Rålambshovsparken"]);
        features[0].Attributes["nummer"].ShouldBe(1L);
        features[0].Geometry.ShouldNotBeNull().Area.ShouldBe(100);
    }

    [Theory]
    [InlineData("1252")]
    [InlineData("CP1252")]
    [InlineData("windows-1252")]
    [InlineData("ANSI 1252")]
    public void Reads_the_code_page_the_cpg_names(string cpg)
    {
        var path = WriteShapefile("cpg", Encoding.GetEncoding(1252), "Ärrö");
        File.WriteAllText(Path.ChangeExtension(path, ".cpg"), cpg);
        using var source = ShapefileSource.Open(path);
        source.ReadFeatures(CancellationToken.None).Single().Attributes["namn"].ShouldBe("Ärrö");
    }

    [Theory]
    [InlineData(0x57, 1252, "Västerås")]
    [InlineData(0x03, 1252, "Västerås")]
    [InlineData(0xC8, 1250, "Hněvošický háj")]
    [InlineData(0x26, 866, "Москва")]
    [InlineData(0x00, 1252, "Västerås")]
    public void Falls_back_to_the_language_driver_byte_then_windows_1252(byte languageDriver, int codePage, string name)
    {
        var path = WriteShapefile($"ldid{languageDriver}", Encoding.GetEncoding(codePage), name);
        File.Delete(Path.ChangeExtension(path, ".cpg"));
        SetLanguageDriver(path, languageDriver);

        using var source = ShapefileSource.Open(path);
        source.Encoding.CodePage.ShouldBe(codePage);
        source.ReadFeatures(CancellationToken.None).Single().Attributes["namn"].ShouldBe(name);
    }

    [Fact]
    public void An_explicit_encoding_wins_over_the_cpg()
    {
        var path = WriteShapefile("override", Encoding.UTF8, "Götgatan");
        File.WriteAllText(Path.ChangeExtension(path, ".cpg"), "1252");
        using var source = ShapefileSource.Open(path, Encoding.UTF8);
        source.ReadFeatures(CancellationToken.None).Single().Attributes["namn"].ShouldBe("Götgatan");
    }

    [Fact]
    public void Refuses_a_cpg_that_names_no_code_page()
    {
        var path = WriteShapefile("html", Encoding.UTF8, "x");
        File.WriteAllText(Path.ChangeExtension(path, ".cpg"), "<!DOCTYPE html><html>");
        Should.Throw<SourceFormatException>(() => ShapefileSource.Open(path)).Message.ShouldContain("does not name a code page");
    }

    [Fact]
    public void Refuses_a_shapefile_without_dbf_but_reads_one_without_shx()
    {
        var path = WriteShapefile("partial", Encoding.UTF8, "a", "b");
        File.Delete(Path.ChangeExtension(path, ".shx"));
        using (var source = ShapefileSource.Open(path))
            source.ReadFeatures(CancellationToken.None).Count().ShouldBe(2);

        File.Delete(Path.ChangeExtension(path, ".dbf"));
        var error = Should.Throw<SourceFormatException>(() => ShapefileSource.Open(path));
        error.Message.ShouldContain(path);
        error.Message.ShouldContain("no .dbf");
    }

    [Fact]
    public void Refuses_a_cut_short_shp_rather_than_read_zeros()
    {
        var path = WriteShapefile("cut", Encoding.UTF8, "a", "b", "c");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^40]);

        Should.Throw<SourceFormatException>(() => ShapefileSource.Open(path)).Message.ShouldContain("cut short");
    }

    [Fact]
    public void Refuses_a_file_that_is_not_a_shapefile()
    {
        var path = WriteShapefile("fake", Encoding.UTF8, "a");
        File.WriteAllText(path, "<html>not a shapefile</html>");
        Should.Throw<SourceFormatException>(() => ShapefileSource.Open(path)).Message.ShouldContain("not a shapefile");
    }

    [Fact]
    public void Refuses_two_dbf_fields_of_one_name_rather_than_keep_one()
    {
        // dBase cuts field names to 10 characters, so "kommunnamn_sv" and "kommunnamn_fi" can both come out as "kommunnamn".
        var path = WriteShapefile("twice", Encoding.UTF8, "Solna");
        var dbf = File.ReadAllBytes(Path.ChangeExtension(path, ".dbf"));
        var nummer = dbf.AsSpan().IndexOf("nummer"u8);
        "NAMN\0\0"u8.CopyTo(dbf.AsSpan(nummer));
        File.WriteAllBytes(Path.ChangeExtension(path, ".dbf"), dbf);

        Should.Throw<SourceFormatException>(() => ShapefileSource.Open(path)).Message
            .ShouldEndWith("twice.dbf: fields 1 and 2 are both named \"NAMN\" (dBase cuts names to 10 characters), and the reader would keep only one; rename one of them (in QGIS, or with ogr2ogr) and import again.");
    }

    [Fact]
    public void Refuses_a_shp_with_more_shapes_than_its_dbf_has_rows()
    {
        var path = WriteShapefile("more-shapes", Encoding.UTF8, "a", "b", "c");
        var fewer = WriteShapefile("fewer-rows", Encoding.UTF8, "a", "b");
        File.Copy(Path.ChangeExtension(fewer, ".dbf"), Path.ChangeExtension(path, ".dbf"), overwrite: true);

        using var source = ShapefileSource.Open(path);
        Should.Throw<SourceFormatException>(() => source.ReadFeatures(CancellationToken.None).ToList())
            .Message.ShouldContain("the .shp holds more shapes than the .dbf's 2 rows");
    }

    private string WriteShapefile(string name, Encoding encoding, params string[] names)
    {
        var path = Path.Combine(directory, name + ".shp");
        var factory = new GeometryFactory();
        var features = names.Select((n, i) => (IFeature)new Feature(
            factory.CreatePolygon([new(i * 20, 0), new(i * 20 + 10, 0), new(i * 20 + 10, 10), new(i * 20, 10), new(i * 20, 0)]),
            new AttributesTable { { "namn", n }, { "nummer", i + 1 } }));
        Shapefile.WriteAllFeatures(features, path, Prj, encoding);
        return path;
    }

    private static void SetLanguageDriver(string shpPath, byte id)
    {
        using var dbf = File.OpenWrite(Path.ChangeExtension(shpPath, ".dbf"));
        dbf.Position = 29;
        dbf.WriteByte(id);
    }
}

using System.IO.Compression;
using DigitalTwin.Importers.Sources;

namespace DigitalTwin.Importers.Tests.Sources;

public sealed class FeatureSourcesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("sources-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [InlineData("a.geojson", "GeoJSON")]
    [InlineData("b.JSON", "GeoJSON")]
    [InlineData("c.csv", "CSV")]
    [InlineData("d.txt", "CSV")]
    public void Picks_the_reader_by_extension(string name, string format)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, format == "CSV" ? "id,wkt\n1,POINT (1 2)\n" : """{"type":"FeatureCollection","features":[]}""");
        using var source = FeatureSources.Open(path, new SourceOptions());
        source.Format.ShouldBe(format);
    }

    [Fact]
    public void Opens_the_geopackage_table_it_is_told()
    {
        using var source = FeatureSources.Open(TestFiles.Fixture("puistot.gpkg"), new SourceOptions { Table = "kadut" });
        source.Format.ShouldBe("GeoPackage");
        source.ReadFeatures(CancellationToken.None).Count().ShouldBe(2);
    }

    [Fact]
    public void Says_clearly_what_it_cannot_open()
    {
        Should.Throw<SourceFormatException>(() => FeatureSources.Open(Path.Combine(directory, "missing.geojson"), new SourceOptions()))
            .Message.ShouldContain("no such file");
        var kml = Path.Combine(directory, "layer.kml");
        File.WriteAllText(kml, "<kml/>");
        Should.Throw<SourceFormatException>(() => FeatureSources.Open(kml, new SourceOptions()))
            .Message.ShouldContain("layer.kml: GDAL cannot read it");
        var dbf = Path.Combine(directory, "layer.dbf");
        File.WriteAllText(dbf, "");
        Should.Throw<SourceFormatException>(() => FeatureSources.Open(dbf, new SourceOptions())).Message.ShouldContain("give the .shp");
        Should.Throw<SourceFormatException>(() => FeatureSources.Open(kml.Replace(".kml", ".csv"), new SourceOptions { Encoding = "klingon" }))
            .Message.ShouldContain("no such file");
    }

    [Fact]
    public void Reads_a_zipped_shapefile_and_cleans_up_after_it()
    {
        var shp = Path.Combine(directory, "zipped.shp");
        NetTopologySuite.IO.Esri.Shapefile.WriteAllFeatures(
            [new NetTopologySuite.Features.Feature(new NetTopologySuite.Geometries.Point(1, 2), new NetTopologySuite.Features.AttributesTable { { "nimi", "Åbo" } })],
            shp, null, System.Text.Encoding.UTF8);
        var zip = Path.Combine(directory, "zipped.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var file in Directory.GetFiles(directory, "zipped.*").Where(f => !f.EndsWith(".zip", StringComparison.Ordinal)))
                archive.CreateEntryFromFile(file, "folder/" + Path.GetFileName(file));
        }

        string? extracted;
        using (var source = FeatureSources.Open(zip, new SourceOptions()))
        {
            source.ReadFeatures(CancellationToken.None).Single().Attributes["nimi"].ShouldBe("Åbo");
            extracted = Directory.GetDirectories(Path.GetTempPath(), "twin-shp-*").FirstOrDefault(d => File.Exists(Path.Combine(d, "zipped.shp")));
            extracted.ShouldNotBeNull();
        }
        Directory.Exists(extracted).ShouldBeFalse();
    }
}

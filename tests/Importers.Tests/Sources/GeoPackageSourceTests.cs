using DigitalTwin.Importers.Sources;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Tests.Sources;

/// <summary>Against Fixtures/puistot.gpkg (see make_geopackage.py there for what each row tests).</summary>
public sealed class GeoPackageSourceTests
{
    private static readonly string Fixture = TestFiles.Fixture("puistot.gpkg");

    [Fact]
    public void Reads_every_row_of_a_table_that_spans_many_pages_in_fid_order()
    {
        using var source = GeoPackageSource.Open(Fixture, "puistot");
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        source.Format.ShouldBe("GeoPackage");
        source.Crs.ShouldBe(SourceCrs.FromEpsg(3067));
        source.Progress.ShouldBe(1.0);
        features.Count.ShouldBe(300);
        features.Select(f => f.Attributes["fid"]).ShouldBe(Enumerable.Range(1, 300).Select(i => (object?)(long)i));
        features.Select(f => f.Number).ShouldBe(Enumerable.Range(1, 300).Select(i => (long)i));
    }

    [Fact]
    public void Reads_attributes_as_dotnet_values()
    {
        var features = Read("puistot");

        var sixth = features[5];
        sixth.Attributes["nimi"].ShouldBe("Töölönlahden puisto");
        sixth.Attributes["hoitoluokka"].ShouldBe(1L);
        sixth.Attributes["pinta_ala"].ShouldBe(625.5);
        sixth.Attributes["aktiivinen"].ShouldBe(false);
        sixth.Attributes["perustettu"].ShouldBe(new DateTime(2001, 5, 7, 0, 0, 0, DateTimeKind.Utc));
        sixth.Attributes.ContainsKey("geom").ShouldBeFalse();
    }

    [Fact]
    public void Reads_null_and_empty_geometries_as_none_and_names_the_unreadable()
    {
        var features = Read("puistot");

        features[0].Geometry.ShouldBeOfType<Polygon>().EnvelopeInternal.MinX.ShouldBe(385030);
        features[1].Geometry.ShouldBeNull();
        features[1].GeometryError.ShouldBeNull();
        features[2].Geometry.ShouldBeNull();
        features[2].GeometryError.ShouldBeNull();
        features[4].Geometry.ShouldBeNull();
        features[4].GeometryError!.ShouldContain("CompoundCurve");
    }

    [Fact]
    public void Follows_overflow_pages_for_large_geometries()
    {
        var big = Read("puistot")[3].Geometry.ShouldBeOfType<Polygon>();
        big.NumPoints.ShouldBe(2001);
        big.Area.ShouldBe(Math.PI * 500 * 500, 100);
    }

    [Fact]
    public void Reads_columns_added_after_rows_were_written_as_null_for_those_rows()
    {
        var features = Read("puistot");

        features[0].Attributes["huomautus"].ShouldBeNull();
        features[299].Attributes["huomautus"].ShouldBe("lisätty myöhemmin");
        features[299].Attributes["perustettu"].ShouldBe(new DateTime(1818, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Gives_the_wkt_of_a_crs_that_is_not_epsg()
    {
        using var source = GeoPackageSource.Open(Fixture, "KADUT");
        source.Crs!.Epsg.ShouldBeNull();
        source.Crs.Wkt!.ShouldStartWith("PROJCS[\"SWEREF99_18_00\"");
        source.ReadFeatures(CancellationToken.None).Select(f => f.Attributes["nimi"]).ShouldBe(["Drottninggatan", "Götgatan"]);
    }

    [Fact]
    public void Asks_which_table_when_there_are_several_and_lists_them()
    {
        Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(Fixture)).Message
            .ShouldContain("2 feature tables: puistot, kadut");
        Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(Fixture, "kuvat")).Message
            .ShouldContain("no feature table \"kuvat\"; its feature tables are: puistot, kadut");
    }

    [Fact]
    public void Refuses_a_file_that_is_not_sqlite()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a database");
            Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(path)).Message.ShouldContain("not an SQLite database");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static List<SourceFeature> Read(string table)
    {
        using var source = GeoPackageSource.Open(Fixture, table);
        return source.ReadFeatures(CancellationToken.None).ToList();
    }
}

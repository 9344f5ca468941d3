using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Importers.Tests.Pipeline;

namespace DigitalTwin.Importers.Tests.Sources.Gdal;

/// <summary>
/// Public files nobody on the project wrote, read through GDAL: Espoo's and Helsinki's school and preschool areas as
/// their WFS serves them (GML 2 and 3 in EPSG:3879, a 3D canoe route in EPSG:3067), and Fiona's and GDAL's test files
/// (TopoJSON, a GML multicurve, a FileGDB zip with 37 layers). Each loads where PostGIS puts GDAL's own reading of it.
/// </summary>
public sealed class GdalPublicFileTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    [SharedDataTheory]
    // The GML 2 files of Espoo (Tekla's schema) have no gml:id; their Id is the area's.
    [InlineData("espoo-school-areas-gml/Oppilaaksiottoalueet_suomenkielinen.gml", "area", "Id", 2, 3879)]
    [InlineData("espoo-school-areas-gml/Oppilaaksiottoalueet_ruotsinkielinen_ala_aste.gml", "area", "Id", 2, 3879)]
    [InlineData("espoo-school-areas-gml/Esiopetusalue_suomi.gml", "area", "id", 1, 3879)]
    [InlineData("espoo-school-areas-gml/Opev_ooa_alaaste_suomi.gml", "area", "id", 1, 3879)]
    [InlineData("espoo-school-areas-gml/melontareitti_3d.gml", "asset", "id", 1, 3067)]
    public async Task A_city_gml_loads_within_a_centimetre_of_gdals_reading(string file, string kind, string idField, int count, int epsg)
    {
        var path = TestFiles.Shared(file);
        var layer = "gml-" + Path.GetFileNameWithoutExtension(file).ToLowerInvariant().Replace('_', '-');
        // The canoe route's owner and maintainer ("Kunta") are no organisation here: one that is stands in, and theirs are kept.
        await fixture.SeedCatalogAsync();
        var mapping = LayerMapping.Parse(System.Text.Json.Nodes.JsonNode.Parse(
            $$"""{ "fields": { "id": "{{idField}}", "owner": { "value": "trafikkontoret" }, "manager": { "value": "trafikkontoret" } } }""")!.AsObject(), "map.json");

        var result = await fixture.ImportAsync(new ImportOptions(path, layer, Enum.Parse<LayerKind>(kind, ignoreCase: true)) { Mapping = mapping, MakeValid = true });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.SourceCrs.ShouldBe($"EPSG:{epsg}");
        result.Report.FeaturesRead.ShouldBe(count);
        // Every field of GDAL's schema is kept or mapped, none ignored.
        result.Report.Fields.ShouldAllBe(f => f.Ignored == null);
        foreach (var (id, wkt) in GdalWkt(path, idField))
        {
            (await fixture.Database.ScalarAsync<double>(
                "SELECT ST_HausdorffDistance(geom, ST_Transform(ST_Force2D(ST_GeomFromText($2, $3)), 3035)) FROM current_map_objects WHERE id = $1", $"{layer}:{id}", wkt, epsg))
                .ShouldBeLessThan(0.01, id);
        }
    }

    [SharedDataFact]
    public void A_topojson_a_gml_multicurve_and_a_filegdb_layer_are_read()
    {
        using (var topo = FeatureSources.Open(TestFiles.Shared("importer-testdata/fiona/example.topojson"), new SourceOptions()))
        {
            topo.Format.ShouldBe("GDAL TopoJSON (example)");
            topo.ReadFeatures(CancellationToken.None).Count().ShouldBe(3);
        }
        using (var curve = FeatureSources.Open(TestFiles.Shared("importer-testdata/fiona/multicurve.gml"), new SourceOptions()))
        {
            // The curve comes as the lines PostGIS stores.
            curve.ReadFeatures(CancellationToken.None).Single().Geometry!.OgcGeometryType.ShouldBe(NetTopologySuite.Geometries.OgcGeometryType.MultiLineString);
        }
        using var gdb = FeatureSources.Open(TestFiles.Shared("importer-testdata/fiona/testopenfilegdb.gdb.zip"), new SourceOptions { Table = "polygon" });
        gdb.Fields.Select(f => f.Name).ShouldBe(["OBJECTID", "id", "str", "smallint", "int", "float", "real", "adate", "guid", "xml", "binary", "nullint", "binary2"], ignoreOrder: false);
        gdb.ReadFeatures(CancellationToken.None).Count().ShouldBe(5);
    }

    /// <summary>GDAL's own reading of each feature: its id and geometry as WKT, from ogr2ogr's CSV.</summary>
    private static List<(string Id, string Wkt)> GdalWkt(string path, string idField)
    {
        var csv = Path.Combine(Path.GetTempPath(), $"gdal-wkt-{Guid.NewGuid():N}.csv");
        try
        {
            Ogr2Ogr.Run("-f", "CSV", csv, path, "-oo", "WRITE_GFS=NO", "-lco", "GEOMETRY=AS_WKT", "-select", idField);
            return File.ReadAllLines(csv).Skip(1).Select(line =>
            {
                var end = line.LastIndexOf("\",", StringComparison.Ordinal);
                return (line[(end + 2)..].Trim('"'), line[1..end]);
            }).ToList();
        }
        finally
        {
            File.Delete(csv);
        }
    }
}

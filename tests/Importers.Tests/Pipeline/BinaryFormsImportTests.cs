using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>
/// The COPY sends the attributes' JSON, the validity (,) and the geometry as bytes the importer makes itself: what is
/// stored must read as it did when Npgsql's own writers made them.
/// </summary>
public sealed class BinaryFormsImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Attributes_validity_and_geometry_read_back_as_written()
    {
        var file = fixture.WriteGeoJson("forms.geojson",
        [
            ImportFixture.Square(24.94, 60.17, 0.001,
                "\"id\":\"F1\",\"namn\":\"Bro över ån\\u0000\",\"n\":12,\"x\":1.5,\"ok\":true,\"none\":null,\"list\":[1, 2],\"quote\":\"\\\"a\\\"\""),
            // A ring of one polygon with a hole, in a MultiPolygon: the hole must come through.
            """{"type":"Feature","properties":{"id":"F2"},"geometry":{"type":"MultiPolygon","coordinates":[[[[24.9,60.1],[24.91,60.1],[24.91,60.11],[24.9,60.11],[24.9,60.1]],[[24.902,60.102],[24.902,60.104],[24.904,60.104],[24.904,60.102],[24.902,60.102]]]]}}""",
        ]);
        var result = await fixture.ImportAsync(new ImportOptions(file, "forms", LayerKind.Parcel));
        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));

        (await fixture.Database.ScalarAsync<string>("SELECT attributes::text FROM current_map_objects WHERE id = 'forms:F1'"))
            .ShouldBe("""{"id":"F1","namn":"Bro över ån","n":12,"x":1.5,"ok":true,"none":null,"list":"[1, 2]","quote":"\"a\""}""");
        (await fixture.Database.ScalarAsync<string>("SELECT valid::text FROM current_map_objects WHERE id = 'forms:F1'")).ShouldBe("(,)");
        (await fixture.Database.ScalarAsync<string>("SELECT GeometryType(geom) || ' ' || ST_NumInteriorRings(ST_GeometryN(geom, 1)) FROM current_map_objects WHERE id = 'forms:F2'"))
            .ShouldBe("MULTIPOLYGON 1");
        // Reprojected in process, the whole shape (the hole too) within a millimetre of PostGIS's own ST_Transform.
        var offset = await fixture.Database.ScalarAsync<double>(
            """
            SELECT ST_HausdorffDistance(geom, ST_Transform(ST_GeomFromText(
                'MULTIPOLYGON(((24.9 60.1,24.91 60.1,24.91 60.11,24.9 60.11,24.9 60.1),(24.902 60.102,24.902 60.104,24.904 60.104,24.904 60.102,24.902 60.102)))', 4326), 3035))
            FROM current_map_objects WHERE id = 'forms:F2'
            """);
        offset.ShouldBeLessThan(0.001);
    }
}

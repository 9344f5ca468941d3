using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Importers.Sources.Gdal;
using DigitalTwin.Importers.Sync;
using DigitalTwin.Importers.Tests.Pipeline;
using DigitalTwin.Importers.Tests.Sources.Gdal;

namespace DigitalTwin.Importers.Tests.Sync;

/// <summary>
/// Layers straight from a service, against a real one: MapServer's WFS 2.0 and OGC API Features over a shapefile that
/// the test changes between syncs. Paged, checked and replaced atomically as a file is; a sync with nothing changed
/// makes no version; a service that is down leaves the old version serving; every run is recorded.
/// </summary>
public sealed class LayerSyncTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    private const string Mapping = """{ "fields": { "id": "id", "name": "nimi" } }""";
    private readonly MapServerHost server = new();

    private static readonly (string Id, string Name, double X, double Y)[] Parks =
    [
        ("P1", "Äijänpuisto", 25496000.125, 6672000.875),
        ("P2", "Sörnäisten ranta", 25497000.5, 6673000.5),
        ("P3", "Östersundomin lehto", 25510000, 6680000),
    ];

    [Fact]
    public async Task A_wfs_layer_is_kept_in_step_as_the_service_changes_and_every_run_is_recorded()
    {
        GdalTools.PageSize = 2;
        WriteParks(Parks);
        var syncer = new LayerSyncer(fixture.Database.DataSource, TimeProvider.System);
        var sync = await syncer.SaveAsync(new LayerSync("wfs-parks", LayerKind.Area, server.WfsUrl, "ms:puistot", Mapping, null, TimeSpan.FromMinutes(15)), "test", CancellationToken.None);
        sync.Url.ShouldStartWith("WFS:http://127.0.0.1:");

        var first = await syncer.RunAsync(sync, "sync:wfs-parks", CancellationToken.None);
        first.Result.ShouldBe("loaded", first.Error);
        first.Version.ShouldBe(1);
        first.FeaturesRead.ShouldBe(3);
        // Two features a page: GDAL asked for the second page.
        server.Requests.Count(r => r.Contains("GetFeature", StringComparison.OrdinalIgnoreCase) && r.Contains("STARTINDEX=2", StringComparison.OrdinalIgnoreCase)).ShouldBeGreaterThan(0);
        (await fixture.Database.ScalarAsync<string>("SELECT name FROM current_map_objects WHERE id = 'wfs-parks:P1'")).ShouldBe("Äijänpuisto");
        (await WorstOffsetAsync("wfs-parks", Parks)).ShouldBeLessThan(0.01);

        var again = await syncer.RunAsync(sync, "sync:wfs-parks", CancellationToken.None);
        again.Result.ShouldBe("unchanged", again.Error);
        again.Version.ShouldBe(1);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'wfs-parks'")).ShouldBe(1);

        (string, string, double, double)[] changed = [Parks[0], ("P2", "Sörnäisten rantapuisto", 25497000.5, 6673000.5), Parks[2], ("P4", "Kivikon niitty", 25505000, 6678000)];
        WriteParks(changed);
        var third = await syncer.RunAsync(sync, "sync:wfs-parks", CancellationToken.None);
        third.Result.ShouldBe("loaded", third.Error);
        third.Version.ShouldBe(2);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'wfs-parks'")).ShouldBe(4);
        (await fixture.Database.ScalarAsync<string>("SELECT name FROM current_map_objects WHERE id = 'wfs-parks:P2'")).ShouldBe("Sörnäisten rantapuisto");

        server.Down = true;
        var failed = await syncer.RunAsync(sync, "sync:wfs-parks", CancellationToken.None);
        server.Down = false;
        failed.Result.ShouldBe("failed");
        failed.Error.ShouldNotBeNullOrEmpty();
        failed.Version.ShouldBe(2);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'wfs-parks'")).ShouldBe(4);

        var runs = await syncer.RunsAsync("wfs-parks", 10, CancellationToken.None);
        runs.Select(r => r.Result).ShouldBe(["failed", "loaded", "unchanged", "loaded"]);
        (await syncer.DueAsync(CancellationToken.None)).ShouldNotContain(s => s.Layer == "wfs-parks");
    }

    [Fact]
    public async Task A_sync_whose_mapping_changed_loads_even_when_the_data_did_not()
    {
        WriteParks(Parks);
        var syncer = new LayerSyncer(fixture.Database.DataSource, TimeProvider.System);
        var sync = await syncer.SaveAsync(new LayerSync("wfs-remapped", LayerKind.Area, server.WfsUrl, "ms:puistot", Mapping, null, null), "test", CancellationToken.None);
        (await syncer.RunAsync(sync, "test", CancellationToken.None)).Result.ShouldBe("loaded");

        var remapped = await syncer.SaveAsync(sync with { MappingJson = """{ "fields": { "id": "id", "name": "nimi", "type": { "value": "park" } } }""" }, "test", CancellationToken.None);
        var run = await syncer.RunAsync(remapped, "test", CancellationToken.None);

        run.Result.ShouldBe("loaded", run.Error);
        run.Version.ShouldBe(2);
    }

    [Fact]
    public async Task An_ogc_api_features_collection_loads_within_a_centimetre()
    {
        WriteParks(Parks);

        var result = await fixture.ImportAsync(new ImportOptions(server.OgcApiUrl, "oapif-parks", LayerKind.Area)
        {
            SourceLayer = "puistot",
            Mapping = DigitalTwin.Importers.Mapping.LayerMapping.Parse(System.Text.Json.Nodes.JsonNode.Parse(Mapping)!.AsObject(), "map.json"),
        });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems.Select(p => p.ToString()).Concat(result.Report.Notes)));
        result.SourceFormat.ShouldBe("GDAL OAPIF (puistot)");
        result.Report.FeaturesRead.ShouldBe(3);
        (await fixture.Database.ScalarAsync<string>("SELECT source_file FROM layer_versions WHERE layer = 'oapif-parks'")).ShouldStartWith("http://127.0.0.1:");
        (await WorstOffsetAsync("oapif-parks", Parks)).ShouldBeLessThan(0.01);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("WFS:/etc/passwd")]
    [InlineData("OAPIF:ftp://example.org/features")]
    public void Only_http_and_https_services_are_read(string url)
    {
        ServiceUrl.IsService(url).ShouldBeTrue();
        Should.Throw<SourceFormatException>(() => ServiceUrl.Parse(url)).Message.ShouldContain("over http or https only");
    }

    /// <summary>The parks as 20 m squares in the server's shapefile, written by ogr2ogr as GIS staff would.</summary>
    private void WriteParks(IEnumerable<(string Id, string Name, double X, double Y)> parks)
    {
        var source = fixture.WriteGeoJson($"parks-{Guid.NewGuid():N}.geojson",
            parks.Select(p => ImportFixture.Square(p.X + 10, p.Y + 10, 10, $"\"id\":\"{p.Id}\",\"nimi\":\"{p.Name}\",\"kpl\":{p.Name.Length}")), crs: "EPSG:3879");
        Ogr2Ogr.Run("-overwrite", "-f", "ESRI Shapefile", server.ShapefilePath, source, "-nln", "puistot", "-lco", "ENCODING=UTF-8");
    }

    private async Task<double> WorstOffsetAsync(string layer, IEnumerable<(string Id, string Name, double X, double Y)> parks)
    {
        var worst = 0.0;
        foreach (var (id, _, x, y) in parks)
        {
            worst = Math.Max(worst, await fixture.Database.ScalarAsync<double>(
                "SELECT ST_HausdorffDistance(geom, ST_Transform(ST_MakeEnvelope($2, $3, $2 + 20, $3 + 20, 3879), 3035)) FROM current_map_objects WHERE id = $1",
                $"{layer}:{id}", x, y));
        }
        return worst;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await server.DisposeAsync();
}

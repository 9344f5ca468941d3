using System.Diagnostics;

namespace DigitalTwin.Ui.Tests;

/// <summary>A re-import shows on the map at once: a stale tile after an import is a bug (product contract section 4).</summary>
public sealed class ReimportTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    [Fact]
    public async Task A_reimported_layer_changes_what_the_tiles_show()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("reimport", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-buildings:B3103");
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            http.DefaultRequestHeaders.Add("X-Api-Key", await server.IntegrationKeyAsync());
            // z16 tile holding Götgatan 78, by the path the map uses, without ?v (so the server says what serves now).
            const string tile = "/tiles/sthlm-buildings/16/36058/19280.mvt";
            var before = await http.GetAsync(tile);
            before.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            var beforeTag = before.Headers.ETag?.Tag;

            // GIS staff replace the buildings with a file that has one new building and not B3103.
            var file = Path.Combine(Path.GetTempPath(), $"twin-reimport-{Guid.NewGuid():N}.geojson");
            await File.WriteAllTextAsync(file, """
                {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"B9999","name":"Nybygget","address":"Götgatan 80","owner":"soderbostader"},
                 "geometry":{"type":"Polygon","coordinates":[[[18.07670,59.30905],[18.07700,59.30905],[18.07700,59.30925],[18.07670,59.30925],[18.07670,59.30905]]]}}]}
                """);
            try
            {
                await ImportAsync(file, "sthlm-buildings", "building");
            }
            finally
            {
                File.Delete(file);
            }

            var after = await http.GetAsync(tile);
            after.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            after.Headers.ETag?.Tag.ShouldNotBe(beforeTag);
            (await after.Content.ReadAsByteArrayAsync()).ShouldNotBe(await before.Content.ReadAsByteArrayAsync());

            await map.Page.ReloadAsync();
            await map.Page.WaitForSelectorAsync(".map[data-map-ready=true][data-map-live=true]");
            var drawn = await map.WaitUntilDrawnAsync("sthlm-buildings:B9999");
            drawn.ShouldNotContain("sthlm-buildings:B3103");
        });
    }

    /// <summary>./twin import, as GIS staff run it: the command line's own process, on the server's database.</summary>
    private async Task ImportAsync(string file, string layer, string kind)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "TwinCli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { cli, "import", file, "--layer", layer, "--kind", kind }) start.ArgumentList.Add(a);
        start.Environment["TWIN_DATABASE_URL"] = server.Database.ConnectionString;
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, output);
    }
}

using System.Globalization;
using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// The layers page in Chromium, as GIS staff use it (issue 17 part 7): a file chosen, its report read, then loaded; a
/// bad file's report naming the features and nothing loaded; two versions compared, listed and drawn; a roll back; and
/// a handler kept out.
/// </summary>
public sealed class LayersPageTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    private static string Buildings(params (string Id, double West, string Owner, string Extra)[] buildings)
    {
        var features = buildings.Select(b =>
        {
            var (w, e) = (b.West.ToString(CultureInfo.InvariantCulture), (b.West + 0.0001).ToString(CultureInfo.InvariantCulture));
            return "{\"type\":\"Feature\",\"properties\":{\"id\":\"" + b.Id + "\",\"name\":\"Hus " + b.Id + "\",\"owner\":\"" + b.Owner + "\"" + b.Extra + "}," +
                $"\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{w},59.3099],[{e},59.3099],[{e},59.3100],[{w},59.3100],[{w},59.3099]]]}}}}";
        });
        return "{\"type\":\"FeatureCollection\",\"features\":[" + string.Join(",\n", features) + "]}";
    }

    private static readonly string First = Buildings(
        ("H1", 18.0740, "soderbostader", ""), ("H2", 18.0743, "soderbostader", ",\"colour\":\"green\""),
        ("H3", 18.0746, "soderbostader", ""), ("H4", 18.0749, "soderbostader", ""));

    private static readonly string Second = Buildings(
        ("H1", 18.0740, "soderbostader", ""), ("H2", 18.0743, "brf-tullvakten-2", ",\"colour\":\"blue\""),
        ("H3", 18.0748, "soderbostader", ""), ("H5", 18.0752, "soderbostader", ""));

    // Feature 2 has no id, feature 3 is a bow-tie.
    private const string Bad = """
        {"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"id":"M1","name":"Ok"},"geometry":{"type":"Polygon","coordinates":[[[18.0767,59.3090],[18.0770,59.3090],[18.0770,59.3092],[18.0767,59.3090]]]}},
          {"type":"Feature","properties":{"name":"No id"},"geometry":{"type":"Polygon","coordinates":[[[18.0767,59.3090],[18.0770,59.3090],[18.0770,59.3092],[18.0767,59.3090]]]}},
          {"type":"Feature","properties":{"id":"M3"},"geometry":{"type":"Polygon","coordinates":[[[18.0740,59.3099],[18.0741,59.3100],[18.0741,59.3099],[18.0740,59.3100],[18.0740,59.3099]]]}}]}
        """;

    private const string Layer = "page-buildings";

    private async Task<IPage> OpenAsync(string role)
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: role);
        await map.Page.ClickAsync("[data-testid=layers-link]");
        await map.Page.WaitForSelectorAsync("[data-testid=layers][data-interactive=true]");
        return map.Page;
    }

    /// <summary>Chooses a file (written to a temporary folder under its name), checks it, and waits for the report.</summary>
    private static async Task CheckAsync(IPage page, string name, string content)
    {
        var folder = Directory.CreateTempSubdirectory("twin-page-upload-").FullName;
        var file = Path.Combine(folder, name);
        await File.WriteAllTextAsync(file, content);
        try
        {
            await page.FillAsync("[data-testid=upload-layer]", Layer);
            await page.Locator("[data-testid=upload-layer]").BlurAsync();
            await page.SelectOptionAsync("[data-testid=upload-kind]", "building");
            await page.SetInputFilesAsync("[data-testid=upload-files]", file);
            await page.WaitForSelectorAsync("[data-testid=upload-check]:not([disabled])");
            await page.ClickAsync("[data-testid=upload-check]");
            await page.WaitForSelectorAsync($"[data-testid=import-report] h3:has-text('{name}')");
            await page.WaitForSelectorAsync("[data-testid=layers][data-busy=false]");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task<int> ServingAsync() =>
        await server.Database.ScalarAsync<int>($"SELECT coalesce((SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = '{Layer}'), 0)");

    private static async Task LoadAsync(IPage page, int version)
    {
        (await page.InnerTextAsync("[data-testid=upload-load]")).ShouldContain($"version {version}");
        await page.ClickAsync("[data-testid=upload-load]");
        await page.WaitForSelectorAsync("[data-testid=import-loaded]");
        await page.WaitForSelectorAsync($"[data-testid=version-list] tr[data-version='{version}'][data-serving=true]");
    }

    [Fact]
    public async Task Gis_staff_check_a_file_load_it_compare_two_versions_and_roll_back()
    {
        var page = await OpenAsync("gis");
        var map = new MapPage(page);
        await map.RunAsync("layers-page", async () =>
        {
            // The sample's layers are listed; one opened shows its versions, with the file it came from.
            await page.ClickAsync("[data-testid=layer-sthlm-buildings]");
            var version = page.Locator("[data-testid=version-list] tr[data-version='1']");
            (await version.InnerTextAsync()).ShouldContain("buildings.shp");
            (await version.GetAttributeAsync("data-serving")).ShouldBe("true");

            // A good file: the report first, and nothing serves until it is loaded.
            await CheckAsync(page, "hus.geojson", First);
            (await page.GetAttributeAsync("[data-testid=import-report]", "data-accepted")).ShouldBe("true");
            (await page.InnerTextAsync("[data-testid=report-read]")).ShouldBe("4");
            (await page.InnerTextAsync("[data-testid=report-fields]")).ShouldContain("id");
            (await ServingAsync()).ShouldBe(0);
            await LoadAsync(page, 1);
            (await ServingAsync()).ShouldBe(1);

            // A bad file: the report names features 2 and 3, there is nothing to load, and version 1 still serves.
            await CheckAsync(page, "trasig.geojson", Bad);
            (await page.GetAttributeAsync("[data-testid=import-report]", "data-accepted")).ShouldBe("false");
            var features = await page.Locator("[data-testid=report-problems] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.feature)");
            features.ShouldContain("2");
            features.ShouldContain("3");
            (await page.Locator("[data-testid=upload-load]").CountAsync()).ShouldBe(0);
            (await ServingAsync()).ShouldBe(1);
            await page.ClickAsync("[data-testid=upload-discard]");

            // The second version, then what changed from the first: counted, listed and drawn.
            await CheckAsync(page, "hus.geojson", Second);
            await LoadAsync(page, 2);
            await page.CheckAsync("[data-testid=from-1]");
            await page.CheckAsync("[data-testid=to-2]");
            await page.ClickAsync("[data-testid=compare]");
            await page.WaitForSelectorAsync("[data-testid=diff][data-from='1'][data-to='2']");
            foreach (var (kind, count) in new[] { ("added", "1"), ("removed", "1"), ("moved", "1"), ("changed", "1"), ("unchanged", "1") })
                (await page.InnerTextAsync($"[data-testid=count-{kind}]")).ShouldBe(count, kind);
            var rows = await page.Locator("[data-testid=diff-list] tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sourceId + ':' + r.dataset.kinds)");
            rows.ShouldBe(["H2:changed", "H3:moved", "H4:removed", "H5:added"]);
            (await page.InnerTextAsync("[data-testid=diff-list] tr[data-source-id=H2]")).ShouldContain("soderbostader → brf-tullvakten-2");
            (await page.InnerTextAsync("[data-testid=diff-list] tr[data-source-id=H3] [data-testid=moved-by]")).ShouldContain("11.");
            // Drawn: H2, H5, H3 where it is and where it was, H4 where it was.
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=diff-map]').dataset.features === '5'");
            await page.WaitForSelectorAsync("[data-testid=diff-map] canvas");

            // Only the removed ones.
            await page.CheckAsync("[data-testid=only-removed]");
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid=diff-list] tbody tr').length === 1");
            (await page.GetAttributeAsync("[data-testid=diff-list] tbody tr", "data-source-id")).ShouldBe("H4");

            // Back to version 1: a new version 3 that copies it serves at once.
            await page.ClickAsync("[data-testid=rollback-1]");
            (await page.InnerTextAsync("[data-testid=rollback-confirm]")).ShouldContain("version 3");
            await page.ClickAsync("[data-testid=rollback-do]");
            await page.WaitForSelectorAsync("[data-testid=layers-done]");
            var newest = page.Locator("[data-testid=version-list] tr[data-version='3']");
            (await newest.GetAttributeAsync("data-serving")).ShouldBe("true");
            (await newest.GetAttributeAsync("data-mode")).ShouldBe("rollback");
            (await newest.InnerTextAsync()).ShouldContain("rolled back to v1");
            (await ServingAsync()).ShouldBe(3);
            (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM current_map_objects WHERE layer = '{Layer}' AND source_id = 'H4'")).ShouldBe(1);
        });
    }

    [Fact]
    public async Task A_file_larger_than_the_server_takes_is_refused_before_it_is_sent()
    {
        // Access:MaxImportBytes is 2 GiB by default; a sparse file says it is larger without being written.
        var folder = Directory.CreateTempSubdirectory("twin-page-large-").FullName;
        var file = Path.Combine(folder, "huge.geojson");
        await using (var stream = File.Create(file)) stream.SetLength(3L * 1024 * 1024 * 1024);
        try
        {
            var page = await OpenAsync("admin");
            await new MapPage(page).RunAsync("layers-too-large", async () =>
            {
                await page.FillAsync("[data-testid=upload-layer]", "page-huge");
                await page.SetInputFilesAsync("[data-testid=upload-files]", file);
                await page.ClickAsync("[data-testid=upload-check]");
                (await page.InnerTextAsync("[data-testid=layers-error]")).ShouldContain("./twin import");
                (await page.Locator("[data-testid=import-report]").CountAsync()).ShouldBe(0);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_handler_has_no_layers_page()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "handler");
        await map.RunAsync("layers-handler", async () =>
        {
            (await map.Page.Locator("[data-testid=layers-link]").CountAsync()).ShouldBe(0);
            // The page's own address is refused by the server before any of it is rendered.
            var response = await map.Page.GotoAsync(new Uri(server.BaseAddress, "/layers").ToString());
            response!.Status.ShouldBe(403);
            (await response.TextAsync()).ShouldContain("FORBIDDEN");
            (await map.Page.Locator("[data-testid=layers]").CountAsync()).ShouldBe(0);
        });
    }
}

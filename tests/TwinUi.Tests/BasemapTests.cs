using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// Finding one's way on the sample city in Chromium, without internet: our own basemap drawn by default, names at
/// close zoom only, and the legend. Each test leaves a screenshot in the test output's screenshots folder.
/// </summary>
public sealed class BasemapTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    // Skanstullshöjden, Götgatan 78 (sthlm-buildings:B3103), beside Götgatan.
    private const double BuildingLon = 18.0768, BuildingLat = 59.3091;

    [Fact]
    public async Task The_sample_citys_basemap_is_drawn_by_default_from_our_own_tiles()
    {
        var page = await browser.NewPageAsync();
        var tiles = new List<(int Status, int Bytes)>();
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith(server.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal))
                lock (elsewhere) elsewhere.Add(request.Url);
        };
        page.Response += async (_, response) =>
        {
            if (!response.Url.Contains("/tiles/basemap/", StringComparison.Ordinal)) return;
            var bytes = response.Status == 200 ? (await response.BodyAsync()).Length : 0;
            lock (tiles) tiles.Add((response.Status, bytes));
        };
        var map = new MapPage(page);
        await map.OpenAsync(server);
        await map.RunAsync("basemap-default", async () =>
        {
            await page.WaitForFunctionAsync("() => (document.querySelector('.map').twinMap.basemap().features.street ?? 0) > 0");
            (await page.EvaluateAsync<string>("() => document.querySelector('.map').twinMap.basemap().type")).ShouldBe("own");
            var classes = await page.EvaluateAsync<string[]>("() => Object.keys(document.querySelector('.map').twinMap.basemap().features)");
            classes.ShouldContain("block");
            classes.ShouldContain("street");
            lock (tiles) tiles.ShouldContain(t => t.Status == 200 && t.Bytes > 0);
            lock (elsewhere) elsewhere.ShouldBeEmpty(); // nothing from the internet
        });
        // Helsinki's district has its basemap too: Töölönlahti east of the park.
        await map.RunAsync("basemap-helsinki", async () =>
        {
            await ZoomAsync(map, 16, 24.9333, 60.1753); // Mannerheimintie x Arkadiankatu
            await page.WaitForFunctionAsync("() => (document.querySelector('.map').twinMap.basemap().features.water ?? 0) > 0");
            lock (elsewhere) elsewhere.ShouldBeEmpty();
        });
    }

    [Fact]
    public async Task Names_are_drawn_at_close_zoom_and_not_at_city_zoom()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.WaitUntilDrawnAsync("sthlm-buildings:B3103");

        await ZoomAsync(map, 14);
        await map.RunAsync("labels-far", async () =>
        {
            (await LabelsAsync(map)).ShouldBeEmpty();
        });

        await ZoomAsync(map, 18);
        await map.RunAsync("labels-close", async () =>
        {
            await map.Page.WaitForFunctionAsync("() => document.querySelector('.map').twinMap.labels().includes('Skanstullshöjden')");
            await map.Page.WaitForFunctionAsync("() => document.querySelector('.map').twinMap.labels().includes('Götgatan')");
            var labels = await LabelsAsync(map);
            labels.ShouldContain("Skanstullshöjden"); // a building
            labels.ShouldContain("Götgatan"); // a street of the basemap
            labels.ShouldNotContain("Södermalm 3:10"); // parcels are not labelled
        });
    }

    [Fact]
    public async Task The_legend_opens_with_the_keyboard_and_names_the_kinds_in_the_chosen_language()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, "?lang=fi");
        await map.WaitUntilDrawnAsync("sthlm-buildings:B3103");
        await map.RunAsync("legend-fi", async () =>
        {
            var button = map.Page.Locator("[data-testid=legend-button]");
            (await button.InnerTextAsync()).ShouldBe("Selite");
            (await button.GetAttributeAsync("aria-expanded")).ShouldBe("false");
            await button.FocusAsync();
            await map.Page.Keyboard.PressAsync("Enter");
            await map.Page.WaitForSelectorAsync("[data-testid=legend-body]");
            (await button.GetAttributeAsync("aria-expanded")).ShouldBe("true");

            var legend = await map.Page.Locator("[data-testid=legend-body]").InnerTextAsync();
            foreach (var word in new[] { "Kiinteistö", "Rakennus", "Omaisuuserä", "Hallinnointialue", "Sopimusalue", "Aliurakka-alue", "Ei sopimusta", "uusi", "Kortteli", "Katu" })
                legend.ShouldContain(word);
            // Contract areas in view, by contractor, named in Finnish where the data has it.
            (await map.Page.Locator("[data-testid=legend-body] [data-legend^=contractor-]").CountAsync()).ShouldBeGreaterThan(0);
            await map.ScreenshotAsync("legend-fi-open");

            await map.Page.Keyboard.PressAsync("Enter");
            await map.Page.WaitForSelectorAsync("[data-testid=legend-body]", new PageWaitForSelectorOptions { State = WaitForSelectorState.Detached });
            (await button.GetAttributeAsync("aria-expanded")).ShouldBe("false");
        });
    }

    private static async Task ZoomAsync(MapPage map, int zoom, double lon = BuildingLon, double lat = BuildingLat)
    {
        // A new complete render after the zoom: the counter of rendercomplete events moves on.
        var rendered = await map.Page.Locator(".map").GetAttributeAsync("data-rendered");
        await map.Page.EvaluateAsync("([lon, lat, z]) => document.querySelector('.map').twinMap.zoomTo(lon, lat, z)", new object[] { lon, lat, zoom });
        await map.Page.WaitForFunctionAsync("n => document.querySelector('.map').dataset.rendered !== n", rendered);
    }

    private static Task<string[]> LabelsAsync(MapPage map) =>
        map.Page.EvaluateAsync<string[]>("() => document.querySelector('.map').twinMap.labels()");
}

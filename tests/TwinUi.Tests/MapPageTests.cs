namespace DigitalTwin.Ui.Tests;

/// <summary>
/// The handler's map in Chromium on the sample city (data/sample/README.md has the stories and their answers).
/// Each test leaves a screenshot in the test output's screenshots folder.
/// </summary>
public sealed class MapPageTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    private const double PillarLon = 18.076363, PillarLat = 59.305782; // story S1

    private async Task<MapPage> OpenAsync(string query = "")
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, query);
        return map;
    }

    [Fact]
    public async Task The_map_loads_with_the_sample_layers_drawn()
    {
        var map = await OpenAsync();
        await map.RunAsync("map-loads", async () =>
        {
            var drawn = await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.WaitUntilDrawnAsync("sthlm-buildings:B3103");
            drawn = await map.DrawnAsync();
            drawn.ShouldContain("sthlm-parcels:Södermalm 5:2");
            drawn.ShouldContain(id => id.StartsWith("sthlm-contracts:", StringComparison.Ordinal));
            (await map.Page.Locator("[data-testid=layers] input[type=checkbox]").CountAsync()).ShouldBe(13);
        });
    }

    [Fact]
    public async Task The_map_starts_once_before_the_circuit_and_asks_for_each_tile_once_and_none_where_a_layer_has_nothing()
    {
        var page = await browser.NewPageAsync();
        var tiles = new List<string>();
        page.Request += (_, request) =>
        {
            if (request.Url.Contains("/tiles/", StringComparison.Ordinal)) lock (tiles) tiles.Add(new Uri(request.Url).PathAndQuery);
        };
        var map = new MapPage(page);
        await map.OpenAsync(server);
        await map.RunAsync("map-tiles-once", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            // One map: started from the page as the server sent it, then adopted by the component, never built again.
            (await page.EvaluateAsync<int>("() => performance.getEntriesByName('twin:map-created').length")).ShouldBe(1);
            lock (tiles)
            {
                // One request per tile for all the layers there (/tiles/{z}/{x}/{y}.mvt?layers=a:1,b:2), each once.
                tiles.ShouldAllBe(t => t.StartsWith("/tiles/basemap/", StringComparison.Ordinal) || t.Contains(".mvt?layers=", StringComparison.Ordinal));
                tiles.ShouldContain(t => t.Contains("sthlm-buildings:", StringComparison.Ordinal));
                tiles.GroupBy(t => t.Split('?')[0]).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
                // Helsinki's layers have nothing in Stockholm: no tile asks for them.
                tiles.ShouldNotContain(t => t.Contains("hki-", StringComparison.Ordinal));
            }
            // And the adopted map answers clicks as the component's own.
            await map.ClickAtAsync(PillarLon, PillarLat);
            await page.WaitForSelectorAsync("[data-testid=recipient]");
        });
    }

    [Fact]
    public async Task The_map_is_drawn_while_the_circuit_still_connects_and_a_click_then_is_answered_once_it_is_up()
    {
        var map = await OpenAsync();
        var page = map.Page;
        // The page again, with Blazor's circuit held back until the map is drawn and clicked.
        var circuit = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await circuit.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync(new Uri(server.BaseAddress, "/").ToString());
        await map.RunAsync("map-before-circuit", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            (await page.GetAttributeAsync("[data-testid=app]", "data-interactive")).ShouldBe("false");
            await map.ClickAtAsync(PillarLon, PillarLat);
            (await page.Locator("[data-testid=recipient]").CountAsync()).ShouldBe(0);
            circuit.SetResult();
            await page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
            await map.WaitForRecipientAsync("klotterfritt");
            (await page.EvaluateAsync<int>("() => performance.getEntriesByName('twin:map-created').length")).ShouldBe(1);
        });
    }

    [Fact]
    public async Task Gis_staff_see_the_map_without_cases_and_signing_out_ends_the_session()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "gis");
        await map.RunAsync("gis-signed-in", async () =>
        {
            (await map.Page.Locator("[data-testid=signed-in]").InnerTextAsync()).ShouldContain("Test gis");
            (await map.Page.Locator("[data-testid=inbox]").CountAsync()).ShouldBe(0);
            await map.Page.ClickAsync("[data-testid=signed-in] button[type=submit]");
            // At the sign-in page, whatever its query: once in a full run the page stood there without matching
            // "**/signin" for 30 s, and a glob does not say which address it had.
            try
            {
                await map.Page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/signin");
            }
            catch (TimeoutException)
            {
                throw new ShouldAssertException($"Signing out did not reach the sign-in page within 30 s: the page is at {map.Page.Url}.");
            }
            var cookies = await map.Page.Context.CookiesAsync();
            cookies.Select(c => c.Name).ShouldNotContain("twin.session", string.Join(", ", cookies.Select(c => $"{c.Name} {c.Path} {c.Expires}")) + " at " + map.Page.Url);
            await map.Page.GotoAsync(new Uri(server.BaseAddress, "/").ToString());
            await map.Page.WaitForURLAsync("**/signin?**");
            (await map.Page.Locator("input[name=password]").CountAsync()).ShouldBe(1);
        });
    }

    [Fact]
    public async Task An_admin_reads_the_audit_trail_and_a_handler_may_not()
    {
        var admin = new MapPage(await browser.NewPageAsync());
        await admin.OpenAsync(server, role: "admin");
        await admin.RunAsync("audit-trail", async () =>
        {
            await admin.Page.ClickAsync("[data-testid=audit-link]");
            await admin.Page.WaitForSelectorAsync("[data-testid=audit][data-interactive=true]");
            await admin.Page.WaitForSelectorAsync("[data-testid=audit] tr[data-action=signed-in]");
            await admin.Page.FillAsync("[data-testid=audit-actor]", "user:test.admin");
            await admin.Page.ClickAsync(".audit-filter button");
            await admin.Page.WaitForFunctionAsync(
                "() => [...document.querySelectorAll('[data-testid=audit] tbody tr')].every(r => r.cells[1].textContent === 'user:test.admin')");
        });

        var handler = new MapPage(await browser.NewPageAsync());
        await handler.OpenAsync(server);
        (await handler.Page.Locator("[data-testid=audit-link]").CountAsync()).ShouldBe(0);
        var response = await handler.Page.GotoAsync(new Uri(server.BaseAddress, "/audit").ToString());
        response!.Status.ShouldBe(403);
    }

    [Theory]
    [InlineData("fi", "Kohde: sthlm-assets:TK-BRO-0417-S1 (Omaisuuserä, sillan pilari", "aliurakoitsija", "Töhryjen poisto")]
    [InlineData("sv", "Objekt: sthlm-assets:TK-BRO-0417-S1 (Anläggning, brostöd", "underentreprenören", "Klottersanering")]
    public async Task The_explanation_is_said_in_the_pages_language_with_names_and_the_languages_dates(string language, string target, string role, string task)
    {
        var map = await OpenAsync($"?lang={language}");
        await map.RunAsync($"explanation-{language}", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.WaitForRecipientAsync("klotterfritt");
            var lines = await map.Page.Locator("[data-testid=explanation] li").AllInnerTextsAsync();
            lines[0].ShouldStartWith(target);
            lines.ShouldContain(l => l.Contains(role, StringComparison.Ordinal) && l.Contains("Klotterfritt Stockholm AB", StringComparison.Ordinal));
            lines.ShouldContain(l => l.Contains(task, StringComparison.Ordinal));
            // Dates as the language writes them: 1.1.2025 in Finnish, 2025-01-01 in Swedish.
            lines.ShouldContain(l => l.Contains(language == "fi" ? "1.1.2025" : "2025-01-01", StringComparison.Ordinal));
            string.Join("\n", lines).ShouldNotContain("Target:");
        });
    }

    [Fact]
    public async Task Clicking_the_bridge_pillar_shows_the_graffiti_subcontractor_as_recipient()
    {
        var map = await OpenAsync();
        await map.RunAsync("pillar-graffiti", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.WaitForRecipientAsync("klotterfritt");
            var panel = await map.Panel.InnerTextAsync();
            panel.ShouldContain("Klotterfritt Stockholm AB");
            panel.ShouldContain("TK-BRO-0417-S1");
            (await map.Page.Locator("[data-testid=subcontract]").InnerTextAsync()).ShouldContain("UE-TK-BRO-2025-1");
            (await map.Page.Locator("[data-testid=explanation] li").CountAsync()).ShouldBeGreaterThan(4);
        });
    }

    [Fact]
    public async Task A_date_before_the_contract_began_shows_the_fallback_and_why()
    {
        var map = await OpenAsync();
        await map.RunAsync("pillar-before-contract", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.WaitForRecipientAsync("klotterfritt");
            await map.Page.FillAsync("[data-testid=as-of]", "2024-06-15");
            await map.WaitForRecipientAsync("trafikkontoret");
            (await map.Page.Locator("[data-testid=recipient]").GetAttributeAsync("data-role")).ShouldBe("Manager");
            (await map.Page.Locator("[data-testid=fallback]").IsVisibleAsync()).ShouldBeTrue();
            (await map.Page.Locator("[data-testid=explanation]").InnerTextAsync()).ShouldContain("TK-BRO-2025 (Brounderhåll Norden AB (bridge maintenance)) starts on 2025-01-01");
        });
    }

    [Fact]
    public async Task A_second_click_on_the_same_spot_takes_the_next_object_under_the_cursor()
    {
        var map = await OpenAsync();
        await map.RunAsync("click-cycles", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.WaitForRecipientAsync("klotterfritt");
            var first = await map.Page.Locator("[data-testid=target]").InnerTextAsync();
            await map.Page.WaitForTimeoutAsync(600); // not a double click
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.Page.WaitForFunctionAsync("t => document.querySelector('[data-testid=target]').innerText !== t", first);
            (await map.Page.Locator("[data-testid=target]").InnerTextAsync()).ShouldNotBe(first);
        });
    }

    [Fact]
    public async Task Search_finds_a_building_by_address_and_resolves_it()
    {
        var map = await OpenAsync();
        await map.RunAsync("search-address", async () =>
        {
            await map.Page.FillAsync("[data-testid=search]", "Götgatan 78");
            await map.Page.ClickAsync("[data-testid=search-button]");
            // The building, the street along it and the parcel beneath share the address; the handler picks the building.
            await map.Page.ClickAsync("[data-testid=results] [data-id='sthlm-buildings:B3103']");
            await map.Page.WaitForSelectorAsync("[data-testid=recipient][data-recipient='fastighetsservice-malardalen']");
            (await map.Page.Locator("[data-testid=target]").InnerTextAsync()).ShouldContain("Götgatan 78");
            (await map.Page.Locator("[data-testid=manager]").InnerTextAsync()).ShouldContain("Söderbostäder AB");
        });
    }

    [Fact]
    public async Task A_contractor_filter_highlights_its_subcontract_areas_too()
    {
        var map = await OpenAsync();
        await map.RunAsync("filter-subcontractor", async () =>
        {
            await map.Page.ClickAsync("[data-zoom-layer='hki-subcontracts']");
            await map.WaitUntilDrawnAsync("hki-subcontracts:KYMP-AU-2024-KK-A1");
            await map.Page.SelectOptionAsync("[data-testid=organisation-filter]", "tohryton");
            await map.Page.SelectOptionAsync("[data-testid=role-filter]", "Contractor");
            await map.Page.ClickAsync("[data-testid=search-button]");
            await map.Page.WaitForSelectorAsync("[data-testid=results] [data-id='hki-subcontracts:KYMP-AU-2024-KK-A1']");
            await map.Page.WaitForFunctionAsync("() => document.querySelector('.map').twinMap.featureIds(true).includes('hki-subcontracts:KYMP-AU-2024-KK-A1')");
            (await map.DrawnAsync(highlighted: true)).ShouldAllBe(id => id.StartsWith("hki-subcontracts:", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task The_organisation_filter_highlights_what_it_manages_on_the_map_and_in_the_list()
    {
        var map = await OpenAsync();
        await map.RunAsync("filter-manager", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-GATA-1001");
            await map.Page.SelectOptionAsync("[data-testid=organisation-filter]", "trafikkontoret");
            await map.Page.SelectOptionAsync("[data-testid=role-filter]", "Manager");
            await map.Page.ClickAsync("[data-testid=search-button]");
            await map.Page.WaitForSelectorAsync("[data-testid=results] [data-id='sthlm-assets:TK-GATA-1001']");
            var listed = await map.Page.Locator("[data-testid=results] [data-id]").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.id)");
            var highlighted = await map.DrawnAsync(highlighted: true);
            highlighted.ShouldContain("sthlm-assets:TK-GATA-1001");
            highlighted.ShouldContain("sthlm-assets:TK-BRO-0417-S1");
            highlighted.ShouldNotContain("sthlm-buildings:B3103");
            // The list and the map agree: every highlighted object in view is listed.
            highlighted.ShouldBeSubsetOf(listed);
        });
    }

    [Fact]
    public async Task The_language_switch_changes_the_interface_and_the_task_names()
    {
        // A person of its own: the language chosen is remembered for the person, and the other tests read English.
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "gis");
        await map.RunAsync("language", async () =>
        {
            await map.Page.SelectOptionAsync("[data-testid=language]", "fi");
            await map.Page.WaitForSelectorAsync("h1:text('kuka vastaa tästä')");
            (await map.Page.Locator("[data-testid=task-type] option:checked").InnerTextAsync()).ShouldBe("Töhryjen poisto");
            await map.Page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("lang=fi")); // the address follows the render, not with it
            await map.Page.SelectOptionAsync("[data-testid=language]", "sv");
            await map.Page.WaitForSelectorAsync("h1:text('vem ansvarar här')");
            (await map.Page.Locator("[data-testid=task-type] option:checked").InnerTextAsync()).ShouldBe("Klottersanering");
        });
        var swedish = await OpenAsync("?lang=sv");
        await swedish.RunAsync("language-from-address", async () =>
            (await swedish.Page.Locator("h1").InnerTextAsync()).ShouldContain("vem ansvarar här"));
        // The address wins over the remembered choice; nothing asked, the person's choice.
        var english = new MapPage(await browser.NewPageAsync());
        await english.OpenAsync(server, "?lang=en", role: "gis");
        await english.RunAsync("language-address-over-choice", async () =>
            (await english.Page.Locator("h1").InnerTextAsync()).ShouldContain("who is responsible here"));
    }

    [Fact]
    public async Task Show_the_whole_layer_flies_to_a_layer_far_away()
    {
        var map = await OpenAsync();
        await map.RunAsync("zoom-to-layer", async () =>
        {
            (await map.DrawnAsync()).ShouldNotContain(id => id.StartsWith("hki-", StringComparison.Ordinal)); // Stockholm is in view
            await map.Page.ClickAsync("[data-zoom-layer='hki-assets']");
            await map.WaitUntilDrawnAsync("hki-assets:HKI-PUISTO-0310");
        });
    }

    [Fact]
    public async Task The_panel_shows_the_targets_attributes_from_its_source()
    {
        var map = await OpenAsync();
        await map.RunAsync("attributes", async () =>
        {
            await map.WaitUntilDrawnAsync("sthlm-assets:TK-BRO-0417-S1");
            await map.ClickAtAsync(PillarLon, PillarLat);
            await map.WaitForRecipientAsync("klotterfritt");
            await map.Page.ClickAsync("[data-testid=attributes] summary");
            var table = await map.Page.Locator("[data-testid=attributes] table").InnerTextAsync();
            table.ShouldContain("TK-BRO-0417-S1"); // the GeoPackage's own id column, as the file had it
        });
    }

    [Fact]
    public async Task Gaps_and_overlaps_for_the_task_are_drawn_and_listed()
    {
        var map = await OpenAsync();
        await map.RunAsync("coverage", async () =>
        {
            await map.Page.SelectOptionAsync("[data-testid=task-type]", "winter-maintenance");
            await map.Page.CheckAsync("[data-testid=show-coverage]");
            var summary = map.Page.Locator("[data-testid=coverage-summary]");
            await summary.WaitForAsync();
            int.Parse((await summary.GetAttributeAsync("data-gaps"))!).ShouldBeGreaterThan(0); // story S7: Götgatan has no winter contract
            var drawn = await map.Page.EvaluateAsync<int>("() => document.querySelector('.map').twinMap.problemCounts().gaps");
            drawn.ShouldBe(int.Parse((await summary.GetAttributeAsync("data-gaps"))!));

            await map.Page.SelectOptionAsync("[data-testid=task-type]", "litter");
            await map.Page.WaitForSelectorAsync("[data-testid=coverage-summary]:not([data-overlaps='0'])"); // story S11: the two street contracts
        });
    }
}

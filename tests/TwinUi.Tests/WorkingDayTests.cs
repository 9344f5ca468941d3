using System.Globalization;
using System.Text.Json.Nodes;
using DigitalTwin.Server.Cases;
using DigitalTwin.Ui.Localization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// A handler's working day in Chromium: an inbox of more than a page of cases, filtered, counted and paged, with a new
/// report announced without moving the list; a case taken, noted, and a colleague warned that it is open; the
/// language chosen once and kept.
/// </summary>
public sealed class WorkingDayTests(LoopbackCaseCity server, Browser browser) : IClassFixture<LoopbackCaseCity>, IClassFixture<Browser>
{
    private Task<string> CreateAsync(string category, string description, double lon = PhoneCases.PillarLon, double lat = PhoneCases.PillarLat) =>
        PhoneCases.CreateAsync(server, category, description, lon, lat);

    private static async Task WaitForInboxAsync(MapPage map, int matched, int shown) =>
        await map.Page.WaitForSelectorAsync($"[data-testid=inbox][data-matched='{matched}'][data-shown='{shown}']");

    /// <summary>Narrows the inbox by its text filter, as a handler types a number or a word, and waits for what it matches.</summary>
    private static async Task NarrowInboxAsync(MapPage map, string text, int matched)
    {
        await map.Page.ClickAsync("[data-testid=inbox-filters] summary");
        await map.Page.FillAsync("[data-testid=inbox-text]", text);
        await map.Page.PressAsync("[data-testid=inbox-text]", "Enter");
        await WaitForInboxAsync(map, matched, matched);
    }

    [Fact]
    public async Task More_than_a_page_of_cases_is_filtered_counted_and_paged_and_a_new_report_is_announced_without_moving_the_list()
    {
        var open = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE status NOT IN ('done', 'closed')");
        for (var i = 0; i < 100; i++) await CreateAsync("graffiti", $"Tag {i}");
        for (var i = 0; i < 30; i++) await CreateAsync("litter", $"Bag {i}");
        var all = (int)open + 130;

        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("working-day-inbox", async () =>
        {
            await WaitForInboxAsync(map, all, 100);
            (await map.Page.Locator("[data-testid=chip-unassigned]").GetAttributeAsync("data-count")).ShouldBe(all.ToString(CultureInfo.InvariantCulture));
            await map.Page.ClickAsync("[data-testid=inbox-filters] summary");
            await map.Page.SelectOptionAsync("[data-testid=inbox-category]", "litter");
            await WaitForInboxAsync(map, 30, 30);
            (await map.Page.Locator("[data-testid=inbox-list] li").AllAsync()).Count.ShouldBe(30);
            await map.ScreenshotAsync("working-day-litter");
            await map.Page.ClickAsync("[data-testid=inbox-reset]");
            await WaitForInboxAsync(map, all, 100);
            await map.Page.ClickAsync("[data-testid=inbox-more]");
            await WaitForInboxAsync(map, all, Math.Min(all, 200));

            // With the sound on, a citizen's report sounds once; it is announced in the inbox and in the title, and the
            // list the handler reads stays where it was.
            await map.Page.CheckAsync("[data-testid=inbox-sound]");
            await map.Page.WaitForFunctionAsync("() => localStorage.getItem('twin.sound') === '1'");
            var first = await map.Page.Locator("[data-testid=inbox-list] li").First.GetAttributeAsync("data-case");
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            var app = await server.Services.GetRequiredService<ApiKeys>().CreateAsync("day-app", "citizen-app", null, null, CancellationToken.None);
            using var posted = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", ["description"] = "New tags",
            }));
            posted.IsSuccessStatusCode.ShouldBeTrue();
            var banner = map.Page.Locator("[data-testid=new-cases]");
            await banner.WaitForAsync();
            (await banner.InnerTextAsync()).ShouldBe("1 new case");
            await map.Page.WaitForFunctionAsync("() => document.title.startsWith('(1) ')");
            (await map.Page.EvaluateAsync<int>("() => window.twinBeeps ?? 0")).ShouldBe(1);
            (await map.Page.Locator("[data-testid=inbox-list] li").First.GetAttributeAsync("data-case")).ShouldBe(first);
            await banner.ClickAsync();
            await banner.WaitForAsync(new() { State = WaitForSelectorState.Detached });
            await map.Page.WaitForFunctionAsync("() => !document.title.startsWith('(')");
        });
    }

    [Fact]
    public async Task A_handler_takes_a_case_and_notes_it_and_a_colleague_who_opens_it_too_is_warned()
    {
        var number = await CreateAsync("graffiti", "Tags on the pillar, caller is the caretaker");
        var anna = new MapPage(await browser.NewPageAsync());
        await anna.OpenAsync(server);
        await anna.RunAsync("working-day-take", async () =>
        {
            await NarrowInboxAsync(anna, number, 1);
            await anna.SelectCaseAsync(number);
            await anna.Page.ClickAsync("[data-testid=take-case]");
            await anna.Page.WaitForSelectorAsync("[data-testid=case-handler-name][data-handler='user:test.handler']");
            await anna.Page.WaitForSelectorAsync($"[data-testid=inbox] [data-case='{number}'][data-handler='user:test.handler']");
            await anna.Page.ClickAsync("[data-testid=internal-note] summary");
            await anna.Page.FillAsync("[data-testid=internal-note-text]", "Called back, the caretaker opens the gate at 8.");
            await anna.Page.ClickAsync("[data-testid=add-note]");
            await anna.Page.WaitForSelectorAsync("[data-testid=case-notice]:has-text('Note added.')");
            (await server.Database.ScalarAsync<string>(
                "SELECT e.data ->> 'text' FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.service_request_id = $1 AND e.kind = 'note'", number))
                .ShouldBe("Called back, the caretaker opens the gate at 8.");

            // A colleague opens the same case: warned at once that Anna has it open; Anna hears of the colleague in turn.
            var colleague = new MapPage(await browser.NewPageAsync());
            await colleague.OpenAsync(server, role: "admin");
            await colleague.RunAsync("working-day-colleague", async () =>
            {
                await NarrowInboxAsync(colleague, number, 1);
                await colleague.SelectCaseAsync(number);
                await colleague.Page.WaitForSelectorAsync("[data-testid=case-viewers][data-viewers='user:test.handler']");
                (await colleague.Page.Locator("[data-testid=case-handler-name]").GetAttributeAsync("data-handler")).ShouldBe("user:test.handler");
                await anna.Page.WaitForSelectorAsync("[data-testid=case-viewers][data-viewers='user:test.admin']", new() { Timeout = 30_000 });
            });
        });
    }

    [Fact]
    public async Task The_language_a_person_chose_is_kept_on_the_next_page_and_html_lang_says_it()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "gis");
        await map.RunAsync("working-day-language", async () =>
        {
            (await map.Page.EvaluateAsync<string>("() => document.documentElement.lang")).ShouldBe("en");
            await map.Page.SelectOptionAsync("[data-testid=language]", "sv");
            await map.Page.WaitForFunctionAsync("() => document.documentElement.lang === 'sv'");
            await map.Page.WaitForSelectorAsync("[data-testid=layers] h2:has-text('Kartlager')");
            (await server.Database.ScalarAsync<string>("SELECT language FROM person_settings WHERE person = 'user:test.gis'")).ShouldBe("sv");
        });

        // Another browser, signed in as the same person but without the language's cookie: the choice is kept on the
        // server. (Another browser, not a second tab: Chromium draws and times only the front tab of a window, and a
        // tab behind it once kept a test waiting for 30 s.)
        var session = JsonNode.Parse(await map.Page.Context.StorageStateAsync())!.AsObject();
        var cookies = session["cookies"]!.AsArray();
        foreach (var cookie in cookies.Where(c => (string?)c!["name"] == LanguageChoice.Cookie).ToList()) cookies.Remove(cookie);
        await map.Page.Context.CloseAsync();
        var next = new MapPage(await browser.NewPageAsync(session.ToJsonString()));
        await next.RunAsync("working-day-language-next", async () =>
        {
            // The shell says so before any script runs.
            var shell = await next.Page.GotoAsync(new Uri(server.BaseAddress, "/").ToString());
            (await shell!.TextAsync()).ShouldContain("<html lang=\"sv\">");
            await next.Page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
            (await next.Page.InputValueAsync("[data-testid=language]")).ShouldBe("sv");
            (await next.Page.EvaluateAsync<string>("() => document.documentElement.lang")).ShouldBe("sv");
            (await next.Page.Context.CookiesAsync()).ShouldContain(c => c.Name == LanguageChoice.Cookie && c.Value == "sv");
        });

        // Before sign-in, the browser's own language decides.
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/signin");
        request.Headers.TryAddWithoutValidation("Accept-Language", "de-DE,fi;q=0.8,en;q=0.5");
        using var signIn = await http.SendAsync(request);
        var page = await signIn.Content.ReadAsStringAsync();
        page.ShouldContain("<html lang=\"fi\">");
        page.ShouldContain("Kirjaudu");
    }

    [Fact]
    public async Task A_likely_duplicate_is_merged_in_one_click_and_the_merge_undone()
    {
        await CreateAsync("graffiti", "Merge: the first report");
        var duplicate = await CreateAsync("graffiti", "Merge: the second report");
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("working-day-merge", async () =>
        {
            await NarrowInboxAsync(map, duplicate, 1);
            await map.SelectCaseAsync(duplicate);
            var flag = map.Page.Locator("[data-testid=case-duplicate]");
            var original = (await flag.Locator("button.link").InnerTextAsync()).Trim();
            await map.Page.ClickAsync("[data-testid=merge]");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-status=closed] [data-testid=case-merged][data-into='{original}']");
            (await server.Database.ScalarAsync<string>(
                "SELECT o.service_request_id FROM cases c JOIN cases o ON o.id = c.merged_into WHERE c.service_request_id = $1", duplicate)).ShouldBe(original);
            await map.Page.ClickAsync("[data-testid=unmerge]");
            await map.Page.WaitForSelectorAsync("[data-testid=case][data-status=received]");
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE service_request_id = $1 AND merged_into IS NULL", duplicate)).ShouldBe(1);
        });
    }

    [Fact]
    public async Task Selected_cases_are_forwarded_each_to_its_own_recipient_and_one_that_changed_or_has_none_is_left_as_it_was()
    {
        var word = "Bulk" + Guid.NewGuid().ToString("N")[..8];
        var plain = new[] { await CreateAsync("graffiti", $"{word} one"), await CreateAsync("graffiti", $"{word} two") };
        var changed = await CreateAsync("graffiti", $"{word} three");
        var conflicted = await CreateAsync("litter", $"{word} four", 18.079002, 59.308402); // two street contracts overlap there
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("working-day-bulk", async () =>
        {
            await NarrowInboxAsync(map, word, 4);
            await map.Page.CheckAsync("[data-testid=inbox-pick-all]");
            await map.Page.WaitForSelectorAsync("[data-testid=bulk][data-selected='4']");
            await map.Page.ClickAsync("[data-testid=bulk-forward]");
            var plan = map.Page.Locator("[data-testid=bulk-confirm]");
            (await plan.Locator($"li[data-case='{plain[0]}']").InnerTextAsync()).ShouldContain("Klotterfritt");
            (await plan.Locator($"li[data-case='{conflicted}']").InnerTextAsync()).ShouldContain("no single recipient");
            await map.ScreenshotAsync("working-day-bulk-plan");
            // While the handler reads the question, one case changes behind the handler's back (its version moves on;
            // whether or not the inbox reloads beside the question, what is confirmed is what the question showed).
            await server.Database.ScalarAsync<int>("WITH u AS (UPDATE cases SET description = description || ' (edited)' WHERE service_request_id = $1 RETURNING 1) SELECT count(*)::int FROM u", changed);
            await map.Page.ClickAsync("[data-testid=bulk-confirm-yes]");
            await map.Page.WaitForSelectorAsync("[data-testid=bulk-result][data-done='2'][data-refused='2']");
            (await map.Page.Locator($"[data-testid=bulk-result] li[data-case='{changed}']").InnerTextAsync()).ShouldContain("changed since");

            foreach (var number in plain)
                (await server.Database.ScalarAsync<string>("SELECT status || ':' || assignee FROM cases WHERE service_request_id = $1", number)).ShouldBe("forwarded:klotterfritt");
            foreach (var number in new[] { changed, conflicted })
                (await server.Database.ScalarAsync<string>("SELECT status FROM cases WHERE service_request_id = $1", number)).ShouldBe("received");

            // The rest given to the handler in one go, each as it is shown now: once the inbox shows the forwards (its
            // reload after them has come back; on a loaded machine that can take longer than the clicks below).
            foreach (var number in plain)
                await map.Page.WaitForSelectorAsync($"[data-testid=inbox] li[data-case='{number}'][data-status='forwarded']");
            await map.Page.SelectOptionAsync("[data-testid=bulk-assign-to]", "user:test.handler");
            await map.Page.ClickAsync("[data-testid=bulk-assign]");
            await map.Page.ClickAsync("[data-testid=bulk-confirm-yes]");
            await map.Page.WaitForSelectorAsync("[data-testid=bulk-result][data-done='4'][data-refused='0']");
            (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM cases WHERE description LIKE '{word}%' AND handler = 'user:test.handler'")).ShouldBe(4);
        });
    }

    [Fact]
    public async Task A_handler_attaches_a_callers_photo_and_sees_it_larger()
    {
        var number = await CreateAsync("graffiti", "Photo by e-mail");
        var file = Path.Combine(Path.GetTempPath(), $"pillar-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(file, Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="));
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("working-day-photo", async () =>
        {
            await NarrowInboxAsync(map, number, 1);
            await map.SelectCaseAsync(number);
            await map.Page.SetInputFilesAsync("[data-testid=attach-photo]", file);
            var thumbnail = map.Page.Locator("[data-testid=photo] img");
            await thumbnail.WaitForAsync();
            // The browser fetched it with the handler's session and decoded it as an image.
            await map.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=photo] img').naturalWidth === 1");
            await map.Page.ClickAsync("[data-testid=photo]");
            await map.Page.WaitForSelectorAsync("[data-testid=photo-view] img");
            await map.Page.ClickAsync("[data-testid=photo-close]");
            await map.Page.Locator("[data-testid=photo-view]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        });
        File.Delete(file);
    }
}

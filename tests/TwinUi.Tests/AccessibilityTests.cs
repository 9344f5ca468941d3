using System.Text.Json;
using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// Every page through axe-core (the accessibility engine, pinned in <c>Axe/package.json</c>) with no serious or
/// critical finding; the desk with the keyboard alone; and the map at a desk's, half a screen's and a phone's width
/// with the map and the case's actions in view and nothing wider than the window.
/// </summary>
public sealed class AccessibilityTests(LoopbackCaseCity server, Browser browser) : IClassFixture<LoopbackCaseCity>, IClassFixture<Browser>
{
    private static readonly string Axe = File.ReadAllText(Path.Combine(SampleCityServer.RepositoryRoot, "tests", "TwinUi.Tests", "Axe", "node_modules", "axe-core", "axe.min.js"));

    private Task<string> CreateAsync(string description) => PhoneCases.CreateAsync(server, "graffiti", description);

    /// <summary>axe-core's serious and critical findings on the page as it is now: rule, impact, and where.</summary>
    private static async Task<IReadOnlyList<string>> FindingsAsync(IPage page)
    {
        // Evaluated through the DevTools protocol, which the page's content security policy does not govern.
        await page.EvaluateAsync(Axe);
        var json = await page.EvaluateAsync<string>("""
            async () => {
              const results = await axe.run(document);
              return JSON.stringify({
                checked: results.passes.length,
                findings: results.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                  .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`),
              });
            }
            """);
        using var answer = JsonDocument.Parse(json);
        // axe ran its rules here: a page it could not check would pass for the wrong reason.
        answer.RootElement.GetProperty("checked").GetInt32().ShouldBeGreaterThan(10, $"axe checked {page.Url}");
        return [.. answer.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetString()!)];
    }

    [Fact]
    public async Task Every_page_has_no_serious_accessibility_finding()
    {
        var number = await CreateAsync("Tags on the pillar");
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "admin");
        await map.RunAsync("axe-map", async () =>
        {
            await map.SelectCaseAsync(number);
            await map.WaitForRecipientAsync("klotterfritt");
            // With the legend open, so that its list is checked too.
            await map.Page.ClickAsync("[data-testid=legend-button]");
            await map.Page.WaitForSelectorAsync("[data-testid=legend-body]");
            var findings = new List<string>();
            findings.AddRange((await FindingsAsync(map.Page)).Select(f => "/ " + f));
            foreach (var path in new[] { $"/cases/{number}", "/reports", "/audit", "/layers?layer=sthlm-buildings" })
            {
                await map.Page.GotoAsync(new Uri(server.BaseAddress, path).ToString());
                await map.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
                findings.AddRange((await FindingsAsync(map.Page)).Select(f => $"{path} {f}"));
            }
            var signIn = await browser.NewPageAsync();
            await signIn.GotoAsync(new Uri(server.BaseAddress, "/signin").ToString());
            findings.AddRange((await FindingsAsync(signIn)).Select(f => "/signin " + f));
            findings.ShouldBeEmpty(string.Join("\n", findings));
        });
    }

    [Fact]
    public async Task The_desk_works_from_the_keyboard_alone()
    {
        var first = await CreateAsync("Keyboard one");
        var second = await CreateAsync("Keyboard two");
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server);
        await map.RunAsync("keyboard", async () =>
        {
            // "/" goes to the inbox's search; the handler narrows the inbox to their two cases.
            await map.Page.Keyboard.PressAsync("/");
            await map.Page.WaitForFunctionAsync("() => document.activeElement?.dataset.testid === 'inbox-text'");
            await map.Page.Keyboard.TypeAsync("Keyboard");
            await map.Page.Keyboard.PressAsync("Enter");
            await map.Page.WaitForSelectorAsync("[data-testid=inbox][data-matched='2']");
            await map.Page.Keyboard.PressAsync("Escape"); // leaves the field's typing: the next keys are the desk's
            await map.Page.EvaluateAsync("() => document.activeElement.blur()");
            await map.Page.Keyboard.PressAsync("j");
            await map.WaitForCaseAsync(first);
            await map.Page.Keyboard.PressAsync("j");
            await map.WaitForCaseAsync(second);
            await map.Page.Keyboard.PressAsync("k");
            await map.WaitForCaseAsync(first);
            // t takes it, f goes to Forward and Enter sends it: the focus stays on the case afterwards.
            await map.Page.Keyboard.PressAsync("t");
            await map.Page.WaitForSelectorAsync("[data-testid=case-handler-name][data-handler='user:test.handler']");
            // f once the Forward button is there, as a handler presses it once they see it (it comes with the answer).
            await map.Page.Locator("[data-testid=forward]:enabled").WaitForAsync();
            await map.Page.Keyboard.PressAsync("f");
            await map.Page.WaitForFunctionAsync("() => document.activeElement?.dataset.testid === 'forward'");
            await map.Page.Keyboard.PressAsync("Enter");
            await map.Page.WaitForSelectorAsync($"[data-testid=inbox] [data-case='{first}'][data-status='forwarded']");
            await map.Page.WaitForFunctionAsync("() => document.activeElement?.closest('[data-testid=case]') !== null");
            // ? shows every shortcut; Escape closes it.
            await map.Page.Keyboard.PressAsync("?");
            await map.Page.Locator("[data-testid=shortcuts]").WaitForAsync();
            (await map.Page.Locator("[data-testid=shortcuts] kbd").AllInnerTextsAsync()).ShouldContain("j");
            await map.Page.Keyboard.PressAsync("Escape");
            await map.Page.Locator("[data-testid=shortcuts]").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        });
    }

    [Theory]
    [InlineData(1366, 768)]
    [InlineData(960, 1080)]
    [InlineData(390, 844)]
    public async Task On_any_screen_the_map_and_the_cases_actions_are_in_view_and_nothing_is_wider_than_the_window(int width, int height)
    {
        var number = await CreateAsync($"Screen {width}");
        var map = new MapPage(await browser.NewPageAsync(width: width));
        await map.Page.SetViewportSizeAsync(width, height);
        await map.OpenAsync(server);
        await map.RunAsync($"screen-{width}", async () =>
        {
            await map.SelectCaseAsync(number);
            await map.WaitForRecipientAsync("klotterfritt");
            (await map.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(width);
            var mapBox = (await map.Page.Locator(".map").BoundingBoxAsync())!;
            var forward = (await map.Page.Locator("[data-testid=forward]").BoundingBoxAsync())!;
            var inbox = (await map.Page.Locator("[data-testid=inbox]").BoundingBoxAsync())!;
            mapBox.Width.ShouldBeGreaterThan(width / 3f);
            mapBox.Height.ShouldBeGreaterThan(250);
            // The map comes before the inbox (beside it or above it), and the Forward button is not below the inbox.
            (mapBox.Y < inbox.Y + inbox.Height).ShouldBeTrue();
            if (width < 1200) (forward.Y < inbox.Y || forward.X > inbox.X + inbox.Width - 1).ShouldBeTrue($"forward {forward.X},{forward.Y}; inbox {inbox.X},{inbox.Y} {inbox.Width}");
            // At a desk's or half a screen's size, the map and the Forward button are in view without scrolling.
            if (width >= 960)
            {
                (mapBox.Y + 100).ShouldBeLessThan(height);
                (forward.Y + forward.Height).ShouldBeLessThan(height, "the Forward button is in view");
            }
        });
    }
}

using System.Text.Json;
using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>What the tests do on the map page, in the handler's terms.</summary>
public sealed class MapPage
{
    private readonly List<string> blocked = [];

    public MapPage(IPage page)
    {
        Page = page;
        // What the content security policy refused: the page must need nothing it forbids.
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) lock (blocked) blocked.Add(message.Text);
        };
    }

    public IPage Page { get; }

    /// <summary>The page's requests and scripts the content security policy refused so far.</summary>
    public IReadOnlyList<string> Blocked
    {
        get
        {
            lock (blocked) return [.. blocked];
        }
    }

    /// <summary>Signs in as a person of the role (through the sign-in form), then waits for the map.</summary>
    public async Task OpenAsync(TwinServerFactory server, string query = "", string role = "handler")
    {
        var (username, password) = await server.UserAsync(role);
        await Page.GotoAsync(new Uri(server.BaseAddress, "/" + query).ToString());
        // Not signed in: the map sends the browser to the sign-in form, which brings it back.
        await Page.WaitForURLAsync("**/signin?**");
        await Page.FillAsync("input[name=username]", username);
        await Page.FillAsync("input[name=password]", password);
        await Page.ClickAsync("button[type=submit]");
        await Page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
        await Page.WaitForSelectorAsync(".map[data-map-ready=true][data-map-live=true]");
    }

    /// <summary>Opens the map in a page that is signed in already, and waits for the map.</summary>
    public async Task OpenSignedInAsync(TwinServerFactory server)
    {
        await Page.GotoAsync(new Uri(server.BaseAddress, "/").ToString());
        await Page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
        await Page.WaitForSelectorAsync(".map[data-map-ready=true][data-map-live=true]");
    }

    /// <summary>The ids of the objects drawn in view (only those the filter highlights, if asked).</summary>
    public async Task<string[]> DrawnAsync(bool highlighted = false) =>
        await Page.EvaluateAsync<string[]>("h => document.querySelector('.map').twinMap.featureIds(h)", highlighted);

    /// <summary>Waits until an object is drawn (its tile has arrived), then returns what is drawn.</summary>
    public async Task<string[]> WaitUntilDrawnAsync(string id)
    {
        // The map may be between two elements for an instant (drawn before the circuit, then adopted by the component).
        await Page.WaitForFunctionAsync("id => document.querySelector('.map')?.twinMap?.featureIds(false).includes(id) === true", id);
        return await DrawnAsync();
    }

    /// <summary>Clicks the map where a WGS84 point is drawn.</summary>
    public async Task ClickAtAsync(double lon, double lat)
    {
        var pixel = await Page.EvaluateAsync<double[]>("([lon, lat]) => document.querySelector('.map').twinMap.pixelOf(lon, lat)", new[] { lon, lat });
        var box = (await Page.Locator(".map").BoundingBoxAsync())!;
        await Page.Mouse.ClickAsync((float)(box.X + pixel[0]), (float)(box.Y + pixel[1]));
    }

    /// <summary>Waits for the answer whose recipient is the given organisation key.</summary>
    public Task WaitForRecipientAsync(string key) =>
        Page.WaitForSelectorAsync($"[data-testid=recipient][data-recipient='{key}']");

    public ILocator Panel => Page.Locator("[data-testid=panel]");

    /// <summary>The case box, whatever case it shows.</summary>
    public ILocator CaseBox => Page.Locator("[data-testid=case]");

    /// <summary>
    /// Selects a case in the inbox and waits until the case box shows that case's own data, ready to act on, and the
    /// panel has its routing (until then the panel says it is busy, and what it shows may still move).
    /// </summary>
    public async Task SelectCaseAsync(string number)
    {
        await Page.Locator($"[data-testid=inbox] [data-case='{number}'] button").ClickAsync();
        await WaitForCaseAsync(number);
        await Page.WaitForSelectorAsync("[data-testid=panel][aria-busy=false]");
    }

    /// <summary>Waits until the case box shows this case's own data and no action is running.</summary>
    public Task WaitForCaseAsync(string number) =>
        Page.WaitForSelectorAsync($"[data-testid=case][data-case='{number}'][data-ready=true]");

    /// <summary>Saves a screenshot under the test output (screenshots/NAME.png), so that a failure can be seen.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png") });
    }

    /// <summary>Runs a test step, with a screenshot whatever the outcome.</summary>
    public async Task RunAsync(string name, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception e) when (!e.Message.Contains(PageSaid, StringComparison.Ordinal))
        {
            // A wait that timed out says only what it waited for: what the page told the person (a refusal, an error,
            // a notice) is what explains it, and the screenshot is gone with a CI machine.
            throw new Xunit.Sdk.XunitException($"{e.Message}\n{PageSaid} {await StatusLinesAsync()}", e);
        }
        finally
        {
            await ScreenshotAsync(name);
        }
        Blocked.ShouldBeEmpty();
    }

    private const string PageSaid = "What the page said (alerts and status lines, at";

    /// <summary>The page's address and the text of every visible alert and status line, for a failure's message.</summary>
    private async Task<string> StatusLinesAsync()
    {
        try
        {
            var lines = await Page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('[role=alert], [role=status]')]
                  .filter(e => e.offsetParent !== null && e.innerText.trim() !== '')
                  .map(e => `${e.dataset.testid ?? e.getAttribute('role')}: ${e.innerText.trim()}`)
                """);
            return $"{Page.Url}): {(lines.Length == 0 ? "nothing" : string.Join(" | ", lines))}";
        }
        catch (PlaywrightException e)
        {
            return $"{Page.Url}): unreadable ({e.Message.Split('\n')[0]})";
        }
    }

    public static string Json(object value) => JsonSerializer.Serialize(value);
}

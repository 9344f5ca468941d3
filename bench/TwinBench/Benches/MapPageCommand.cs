using System.CommandLine;
using System.Globalization;
using Microsoft.Playwright;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// The map page in headless Chromium, as a handler meets it: from the start of the page load to the first complete
/// map (MapView.js stamps data-ready-at on the first 'rendercomplete'), and from a click on the map to the answer in
/// the panel (timed inside the page, from the pointer going down to the panel's recipient appearing). One JSON line
/// per round on standard output; ./twin bench tiles prints the table.
/// </summary>
internal static class MapPageCommand
{
    public static Command Create()
    {
        var url = new Option<string>("--url") { Description = "The server, e.g. http://127.0.0.1:5097.", Required = true };
        var rounds = new Option<int>("--rounds") { Description = "Page loads, each with one click.", DefaultValueFactory = _ => 5 };
        var lon = new Option<double>("--lon") { Description = "Where to click: longitude.", Required = true };
        var lat = new Option<double>("--lat") { Description = "Where to click: latitude.", Required = true };
        var chromium = new Option<string>("--chromium") { Description = "Chromium to drive.", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var detail = new Option<bool>("--detail") { Description = "Also print, per round, every request the page made until the first complete map (to standard error)." };
        var trace = new Option<string?>("--trace") { Description = "Write Chromium's performance trace of the first measured page load (round 1) to this file." };
        var command = new Command("map-page", "Times the map page in headless Chromium (bench-tiles runs it in a process of its own).") { url, rounds, lon, lat, chromium, detail, trace };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = parse.GetValue(chromium),
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            // Round 0 warms up and is not counted: the first page a server renders after it starts waits for the JIT,
            // which a server that has served the day's first handler has done long since.
            // Signed in as a handler once, through the sign-in form's own requests, so that the timed loads are the map's
            // alone (and the sign-in form's rate limit is not met). TWIN_BENCH_USER and TWIN_BENCH_PASSWORD say who.
            string signedIn;
            await using (var signing = await browser.NewContextAsync())
            {
                await SignInAsync(signing.APIRequest, parse.GetValue(url)!);
                signedIn = await signing.StorageStateAsync();
            }
            for (var round = 0; round <= parse.GetValue(rounds); round++)
            {
                // A new context each round, with the session's cookie only: an empty browser cache, as a handler's first
                // visit of the day.
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
                {
                    ViewportSize = new ViewportSize { Width = 1440, Height = 900 }, StorageState = signedIn,
                });
                context.SetDefaultTimeout(30_000);
                var page = await context.NewPageAsync();
                var tracing = round == 1 && parse.GetValue(trace) is not null;
                var recorder = tracing ? await TraceRecorder.StartAsync(page) : null;
                await page.GotoAsync(parse.GetValue(url)!);
                // The map may be drawn before the page is interactive (it starts before Blazor's circuit connects); the
                // component adopts it with its marks once the circuit is up.
                await page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
                await page.WaitForSelectorAsync(".map[data-map-ready=true]");
                var loadToMap = double.Parse((await page.Locator(".map").GetAttributeAsync("data-ready-at"))!, CultureInfo.InvariantCulture);
                if (recorder is not null) await recorder.StopAsync(parse.GetValue(trace)!);
                if (parse.GetValue(detail) && round > 0) await PrintRequestsAsync(page, round, loadToMap);
                // The click is timed on a page that answers clicks: the component has taken the map over.
                await page.WaitForSelectorAsync(".map[data-map-live=true]");

                await page.EvaluateAsync("""
                    () => {
                      window.twinTimes = {};
                      document.querySelector('.map').addEventListener('pointerdown', () => window.twinTimes.down = performance.now(), true);
                      new MutationObserver(() => {
                        if (window.twinTimes.down && !window.twinTimes.answer && document.querySelector('[data-testid=recipient]')) window.twinTimes.answer = performance.now();
                      }).observe(document.body, { subtree: true, childList: true, attributes: true });
                    }
                    """);
                // Beside the spot if a case's pin covers it (the inbox's 300 pins are scattered around it): a click on a pin
                // selects that case instead of asking who is responsible.
                var pixel = await page.EvaluateAsync<double[]>("""
                    ([x, y]) => {
                      const map = document.querySelector('.map').twinMap;
                      const [px, py] = map.pixelOf(x, y);
                      const offsets = [];
                      for (let i = -4; i <= 4; i++) for (let j = -4; j <= 4; j++) offsets.push([i * 12, j * 12]);
                      offsets.sort((a, b) => Math.hypot(...a) - Math.hypot(...b));
                      for (const [dx, dy] of offsets) if (map.caseAt(px + dx, py + dy) === null) return [px + dx, py + dy];
                      return [px, py];
                    }
                    """, new[] { parse.GetValue(lon), parse.GetValue(lat) });
                var box = (await page.Locator(".map").BoundingBoxAsync())!;
                await page.Mouse.ClickAsync((float)(box.X + pixel[0]), (float)(box.Y + pixel[1]));
                try
                {
                    await page.WaitForFunctionAsync("() => window.twinTimes.answer !== undefined");
                }
                catch (TimeoutException)
                {
                    // What the page showed instead, for whoever reads the failure.
                    var shot = Path.Combine(Path.GetTempPath(), $"twin-bench-click-{round}.png");
                    await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot });
                    var state = await page.EvaluateAsync<string>("() => JSON.stringify({ times: window.twinTimes, live: document.querySelector('.map')?.dataset.mapLive, maps: document.querySelectorAll('.map').length, viewports: document.querySelectorAll('.map .ol-viewport').length, features: document.querySelector('.map').twinMap?.featureIds(false).length, tiles: performance.getEntriesByType('resource').filter(e => e.name.includes('/tiles/')).map(e => e.name.split('/tiles/')[1].split('/')[0]).filter((v, i, a) => a.indexOf(v) === i), marks: performance.getEntriesByType('mark').map(m => m.name + '@' + Math.round(m.startTime)), panel: document.querySelector('[data-testid=panel]')?.innerText?.slice(0, 300) })");
                    throw new TimeoutException($"No answer in the panel within 30 s of the click (round {round}); the page: {state}; screenshot {shot}");
                }
                var clickToPanel = await page.EvaluateAsync<double>("() => window.twinTimes.answer - window.twinTimes.down");
                if (round == 0) continue;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $$"""{"round":{{round}},"loadToMapMs":{{loadToMap:F1}},"clickToPanelMs":{{clickToPanel:F1}}}"""));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Where the time to the first complete map went: the page's own marks and each request's start, end and size
    /// (Resource Timing), in order of start, with the requests made twice named.
    /// </summary>
    private static async Task PrintRequestsAsync(IPage page, int round, double loadToMap)
    {
        var entries = await page.EvaluateAsync<Entry[]>("""
            () => [
              ...performance.getEntriesByType('navigation').map((e) => ({ name: 'document', start: 0, end: e.responseEnd, bytes: e.transferSize, kind: 'navigation' })),
              ...performance.getEntriesByType('resource').map((e) => ({ name: e.name.replace(location.origin, ''), start: e.startTime, end: e.responseEnd, bytes: e.transferSize, kind: e.initiatorType })),
              ...performance.getEntriesByType('mark').map((e) => ({ name: e.name, start: e.startTime, end: e.startTime, bytes: 0, kind: 'mark' })),
            ]
            """);
        var error = Console.Error;
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: first complete map at {loadToMap:F0} ms"));
        foreach (var e in entries.Where(e => e.Start <= loadToMap).OrderBy(e => e.Start))
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {e.Start,7:F0} → {e.End,7:F0} ms {e.Bytes / 1024.0,8:F1} KiB  {e.Kind,-10} {e.Name}"));
        foreach (var twice in entries.Where(e => e.Kind != "mark").GroupBy(e => e.Name).Where(g => g.Count() > 1))
            error.WriteLine($"  fetched {twice.Count()} times: {twice.Key}");
    }

    private sealed class Entry
    {
        public string Name { get; set; } = "";
        public double Start { get; set; }
        public double End { get; set; }
        public double Bytes { get; set; }
        public string Kind { get; set; } = "";
    }

    private static async Task SignInAsync(IAPIRequestContext request, string url)
    {
        var (user, password) = (Environment.GetEnvironmentVariable("TWIN_BENCH_USER"), Environment.GetEnvironmentVariable("TWIN_BENCH_PASSWORD"));
        if (user is null || password is null) throw new InvalidOperationException("Set TWIN_BENCH_USER and TWIN_BENCH_PASSWORD: the map is for people signed in.");
        var form = await (await request.GetAsync(url.TrimEnd('/') + "/signin")).TextAsync();
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        var data = request.CreateFormData();
        data.Set(token.Groups[1].Value, System.Net.WebUtility.HtmlDecode(token.Groups[2].Value));
        data.Set("username", user);
        data.Set("password", password);
        var response = await request.PostAsync(url.TrimEnd('/') + "/signin", new APIRequestContextOptions { Form = data, MaxRedirects = 0 });
        if (response.Status != 302 || response.Headers.GetValueOrDefault("location") != "/")
            throw new InvalidOperationException($"Signing in as {user} failed: {response.Status} {response.Headers.GetValueOrDefault("location")}");
    }

    /// <summary>Chromium's performance trace through the DevTools protocol (Playwright's .NET API has no tracing of its own).</summary>
    private sealed class TraceRecorder
    {
        // What DevTools' Performance panel records: the main thread's tasks, scripts, layout, paint, and the page's marks.
        private static readonly string[] Categories = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing", "loading", "latencyInfo"];

        private readonly ICDPSession session;
        private readonly List<System.Text.Json.JsonElement> events = [];
        private readonly TaskCompletionSource complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private TraceRecorder(ICDPSession session) => this.session = session;

        public static async Task<TraceRecorder> StartAsync(IPage page)
        {
            var recorder = new TraceRecorder(await page.Context.NewCDPSessionAsync(page));
            recorder.session.Event("Tracing.dataCollected").OnEvent += (_, data) =>
            {
                if (data is { } d && d.TryGetProperty("value", out var value)) recorder.events.AddRange(value.EnumerateArray().Select(e => e.Clone()));
            };
            recorder.session.Event("Tracing.tracingComplete").OnEvent += (_, _) => recorder.complete.TrySetResult();
            await recorder.session.SendAsync("Tracing.start", new Dictionary<string, object>
            {
                ["transferMode"] = "ReportEvents",
                ["traceConfig"] = new Dictionary<string, object>
                {
                    ["includedCategories"] = Categories,
                },
            });
            return recorder;
        }

        public async Task StopAsync(string path)
        {
            await session.SendAsync("Tracing.end");
            await complete.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await using var file = File.Create(path);
            await System.Text.Json.JsonSerializer.SerializeAsync(file, new { traceEvents = events });
        }
    }
}

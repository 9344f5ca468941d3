using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>The sample city's server on a real loopback port, for a browser outside this process.</summary>
public class LoopbackSampleCity : SampleCityServer
{
    public LoopbackSampleCity() => UseKestrel(0);
}

/// <summary>
/// Debian's Chromium (never a downloaded browser), headless, driven by Playwright; one per test class. Override the
/// path with TWIN_CHROMIUM.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    private IPlaywright? playwright;
    private IBrowser? browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable("TWIN_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"No Chromium at {ExecutablePath}: install it (sudo apt-get install chromium; .ci/run does) or set TWIN_CHROMIUM.");
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    /// <summary>
    /// A fresh page (own cookies and storage) the size of a handler's screen; or, given a storage state (JSON, as
    /// <c>IBrowserContext.StorageStateAsync</c> wrote it), with those cookies, e.g. a session signed in before.
    /// </summary>
    public async Task<IPage> NewPageAsync(string? storageState = null, int width = 1440)
    {
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 900 }, StorageState = storageState });
        // Waits, not speed targets (those are measured by ./twin bench tiles): long enough for a page that is slow
        // only because the whole suite shares two cores with it.
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (browser is not null) await browser.DisposeAsync();
        playwright?.Dispose();
    }
}

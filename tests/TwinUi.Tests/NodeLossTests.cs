using System.Text.Json;
using DigitalTwin.Data.Access;
using DigitalTwin.Testing;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// Two server processes over one database behind HAProxy, as <c>./twin cluster</c> runs them: what a handler's page does
/// when the node that holds its live connection is killed.
/// </summary>
public sealed class NodeLossTests(Browser browser) : IClassFixture<Browser>, IAsyncLifetime
{
    private TestDatabase database = null!;
    private readonly List<ServerProcess> nodes = [];
    private Balancer balancer = null!;

    public async Task InitializeAsync()
    {
        database = await PostgisServer.CreateDatabaseAsync("node-loss", seed: SampleCityServer.SampleCity);
        nodes.AddRange(await Task.WhenAll(ServerProcess.StartAsync(database.ConnectionString), ServerProcess.StartAsync(database.ConnectionString)));
        balancer = await Balancer.StartAsync([.. nodes.Select(node => node.Address)]);
    }

    public async Task DisposeAsync()
    {
        if (balancer is not null) await balancer.DisposeAsync();
        foreach (var node in nodes) await node.DisposeAsync();
        await database.DisposeAsync();
    }

    [Fact]
    public async Task A_handler_whose_node_is_killed_is_on_another_node_at_once_still_signed_in_with_a_live_inbox()
    {
        const string username = "node.loss.handler";
        var password = $"pw-{Guid.NewGuid():N}";
        await UserWriter.AddAsync(database.DataSource, username, "Node Loss Handler", "handler", password, CancellationToken.None);
        var (_, app) = await ApiKeyWriter.CreateAsync(database.DataSource, "node-loss-app", "citizen-app", null, null, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = balancer.Address };
        async Task<string> ReportAsync(string description)
        {
            using var posted = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", ["description"] = description,
            }));
            var body = await posted.Content.ReadAsStringAsync();
            posted.IsSuccessStatusCode.ShouldBeTrue(body);
            return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
        }

        var map = new MapPage(await browser.NewPageAsync());
        var page = map.Page;
        await map.RunAsync("node-loss", async () =>
        {
            await page.GotoAsync(balancer.Address.ToString());
            await page.WaitForURLAsync("**/signin?**");
            await page.FillAsync("input[name=username]", username);
            await page.FillAsync("input[name=password]", password);
            await page.ClickAsync("button[type=submit]");
            await page.WaitForSelectorAsync("[data-testid=app][data-interactive=true]");
            var before = await ReportAsync("Tags on the pillar, before the node is lost");
            await page.Locator($"[data-testid=inbox] [data-case='{before}']").WaitForAsync();

            // The node the balancer keeps this browser on, by its cookie; killed with SIGKILL.
            var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "TWINNODE").Value;
            var lost = Enumerable.Range(0, nodes.Count).Single(i => Balancer.NodeName(i) == cookie);
            await page.EvaluateAsync("() => { window.twinBeforeLoss = true; }");
            await nodes[lost].KillAsync();

            // The page loads again by itself (its circuit is gone with the node) on the other node: signed in, the map
            // and the inbox as they are now. Nobody clicks anything.
            await page.WaitForFunctionAsync(
                "() => window.twinBeforeLoss === undefined && document.querySelector('[data-testid=app][data-interactive=true]') !== null",
                null, new() { Timeout = 30_000 });
            new Uri(page.Url).AbsolutePath.ShouldBe("/", $"the page is at {page.Url}, not on the map");
            (await page.Context.CookiesAsync()).Single(c => c.Name == "TWINNODE").Value.ShouldNotBe(cookie);
            await page.Locator($"[data-testid=inbox] [data-case='{before}']").WaitForAsync();

            // Live on the new node: a report made now shows without a reload.
            await page.EvaluateAsync("() => { window.twinAfterLoss = true; }");
            var after = await ReportAsync("Tags on the railing, after the node is lost");
            await page.Locator($"[data-testid=inbox] [data-case='{after}']").WaitForAsync();
            (await page.EvaluateAsync<bool>("() => window.twinAfterLoss === true")).ShouldBeTrue("the page loaded again instead of showing the report live");
        });
    }
}

using System.Diagnostics;
using System.Net;
using DigitalTwin.ContractorSimulator;
using DigitalTwin.Data.Database;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DigitalTwin.Server.Tests.Cluster;

/// <summary>
/// Server nodes as real processes over one database, for what nodes in one process cannot show: a node killed with
/// SIGKILL or frozen with SIGSTOP mid-batch (the other node delivers its batch, each case once by its key), and nodes
/// that start together on an empty database with homes of their own (one migration, one key ring, one session for both).
/// </summary>
public sealed class NodeProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private WebApplication simulatorApp = null!;
    private readonly Simulator simulator = new(new Dictionary<string, string> { ["*"] = "node-secret" }) { Delay = TimeSpan.FromMilliseconds(150) };
    private Uri simulatorAddress = null!;

    private static readonly Dictionary<string, string> OutboxSettings = new()
    {
        ["Outbox__PollMilliseconds"] = "20", ["Outbox__FirstRetrySeconds"] = "0.2", ["Outbox__TimeoutSeconds"] = "3", ["Outbox__ClaimSeconds"] = "8",
    };

    public async Task InitializeAsync()
    {
        database = await PostgisServer.CreateDatabaseAsync("node-processes", seed: SampleCityServer.SampleCity);
        simulatorApp = Simulator.Build([], simulator);
        simulatorApp.Urls.Add("http://127.0.0.1:0");
        await simulatorApp.StartAsync();
        simulatorAddress = new Uri(simulatorApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async Task DisposeAsync()
    {
        await simulatorApp.DisposeAsync();
        await database.DisposeAsync();
    }

    /// <summary>Cases forwarded to the graffiti subcontractor, each with its outbox row, as ForwardAsync writes them.</summary>
    private async Task ForwardedAsync(int count)
    {
        await database.ScalarAsync<int>($"UPDATE organisations SET webhook_url = '{simulatorAddress}webhooks/' || key, webhook_secret = 'node-secret' WHERE key = 'klotterfritt'");
        await database.ForwardedCasesAsync("P", count, simulatorAddress);
    }

    private async Task EveryDeliveryRecordedAsync(int count, TimeSpan within)
    {
        await TwinNodes.EventuallyAsync(() => Task.FromResult(simulator.All.Count >= count), within, "every case received");
        await TwinNodes.EventuallyAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == 0,
            TimeSpan.FromSeconds(30), "every delivery recorded");
    }

    /// <summary>Two server processes on the database, then <paramref name="count"/> forwarded cases: once both are up, so that both drain.</summary>
    private async Task<(ServerProcess A, ServerProcess B)> TwoNodesDrainingAsync(int count)
    {
        var started = await Task.WhenAll(ServerProcess.StartAsync(database.ConnectionString, OutboxSettings), ServerProcess.StartAsync(database.ConnectionString, OutboxSettings));
        try
        {
            await ForwardedAsync(count);
        }
        catch
        {
            foreach (var node in started) await node.DisposeAsync();
            throw;
        }
        return (started[0], started[1]);
    }

    /// <summary>Exactly once by key: each case received, under its one key; a delivery cut off mid-send came again with that key, no other.</summary>
    private async Task<int> EachOnceByKeyAsync(int count)
    {
        var received = simulator.All;
        received.Count.ShouldBe(count);
        received.Select(r => r.Body).Distinct().Count().ShouldBe(count);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT idempotency_key) FROM outbox")).ShouldBe(count);
        simulator.Refused.ShouldBe(0);
        var again = received.Count(r => r.Times > 1);
        again.ShouldBeLessThanOrEqualTo(2 * 16, "at most what the stopped node had in flight: 2 workers × batches of 16");
        return again;
    }

    [Fact]
    public async Task A_node_killed_mid_batch_leaves_its_deliveries_to_the_other_node_and_each_case_arrives_once_by_its_key()
    {
        const int count = 1000;
        var (a, b) = await TwoNodesDrainingAsync(count);
        await using var _ = a;
        await using var __ = b;
        await TwinNodes.EventuallyAsync(() => Task.FromResult(simulator.All.Count >= count / 3), TimeSpan.FromSeconds(60), "a third delivered by the two nodes");
        await a.KillAsync();
        var atKill = simulator.All.Count;
        atKill.ShouldBeLessThan(count, "node A was killed before the two were done");

        await EveryDeliveryRecordedAsync(count, TimeSpan.FromSeconds(120)); // node B alone, no restart
        var again = await EachOnceByKeyAsync(count);
        output.WriteLine($"{atKill} received before node A was killed; node B delivered the rest; {again} sent again with the same key.");
    }

    [Fact]
    public async Task A_node_frozen_mid_batch_gives_up_its_batch_after_its_claim_and_the_other_node_delivers_it()
    {
        const int count = 1000;
        var (a, b) = await TwoNodesDrainingAsync(count);
        await using var _ = a;
        await using var __ = b;
        await TwinNodes.EventuallyAsync(() => Task.FromResult(simulator.All.Count >= count / 4), TimeSpan.FromSeconds(60), "a quarter delivered by the two nodes");

        // Frozen with its connections open: the database sees an idle transaction holding rows, not a lost client.
        await a.FreezeAsync(true);
        var clock = Stopwatch.StartNew();
        var held = await database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");
        try
        {
            await EveryDeliveryRecordedAsync(count, TimeSpan.FromSeconds(120)); // while node A stays frozen
        }
        finally
        {
            await a.FreezeAsync(false);
        }
        var again = await EachOnceByKeyAsync(count);
        output.WriteLine($"At the freeze {held} transaction(s) held batches; every case was delivered {clock.Elapsed.TotalSeconds:0.0} s later with node A " +
            $"still frozen (its claim: 8 s); {again} sent again with the same key.");
    }

    [Fact]
    public async Task Nodes_starting_together_on_an_empty_database_migrate_it_once_share_one_key_and_one_session()
    {
        await using var empty = await PostgisServer.CreateDatabaseAsync("nodes-empty", migrated: false);
        // Each node with a home of its own, as on two machines: a key ring in a folder would not be shared.
        var homes = new[] { Directory.CreateTempSubdirectory("node-a").FullName, Directory.CreateTempSubdirectory("node-b").FullName };
        try
        {
            var started = await Task.WhenAll(homes.Select(home => ServerProcess.StartAsync(empty.ConnectionString, new Dictionary<string, string> { ["HOME"] = home })));
            await using var a = started[0];
            await using var b = started[1];
            (await empty.ScalarAsync<long>("SELECT count(*) FROM schema_migrations")).ShouldBe(Migrator.All.Count);
            (await empty.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys WHERE friendly_name LIKE 'key-%'")).ShouldBe(1, "one key for both nodes");

            await Data.Access.UserWriter.AddAsync(empty.DataSource, "anna.nodes", "Anna", "handler", "a-long-password-1", CancellationToken.None);
            using var browser = TwinNodes.Browser();
            var page = await browser.GetStringAsync(new Uri(a.Address, "/signin"));
            var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
            using var signedIn = await browser.PostAsync(new Uri(a.Address, "/signin"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = "anna.nodes", ["password"] = "a-long-password-1", ["returnUrl"] = "/",
            }));
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, a.Output);
            signedIn.Headers.Location!.ToString().ShouldBe("/");
            using var onB = await browser.GetAsync(new Uri(b.Address, "/"));
            onB.StatusCode.ShouldBe(HttpStatusCode.OK, "the session made on node A opens the map on node B");
            foreach (var home in homes) Directory.Exists(Path.Combine(home, ".aspnet")).ShouldBeFalse("no key ring under the node's home");
        }
        finally
        {
            foreach (var home in homes) Directory.Delete(home, recursive: true);
        }
    }
}

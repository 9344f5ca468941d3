using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using DigitalTwin.ContractorSimulator;
using DigitalTwin.Data.Database;
using DigitalTwin.Importers.Catalog;
using DigitalTwin.Server.Cases;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace DigitalTwin.Server.Tests.Database;

/// <summary>
/// Nothing brings it down, with real processes: the server as its own process on a PostgreSQL of the test's own
/// (<see cref="PrivateCluster"/>, with PostgreSQL's default of 100 connections), which a test stops and starts under a
/// burst of Open311 posts, or floods on a fresh server. Every answer is counted (served; 503 or 429 with Retry-After;
/// without it; 500; anything else; no answer within the limit), and every case against what was acknowledged (lost,
/// doubled). A client here behaves as an Open311 client should: it keeps its idempotency key and tries again after
/// Retry-After until its post is acknowledged.
/// </summary>
public sealed class DatabaseFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>No answer may take longer: the budget's wait for a connection (5 s), twice, and the work around it.</summary>
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    /// <summary>How long a client keeps trying one post before the test counts it as never acknowledged.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string PillarLat = "59.305782", PillarLon = "18.076363"; // graffiti there goes to klotterfritt (story S1)

    private PrivateCluster cluster = null!;
    private string databaseUrl = null!;
    private string appKey = null!;

    public async Task InitializeAsync()
    {
        cluster = await PrivateCluster.StartNewAsync();
        databaseUrl = await cluster.CreateDatabaseAsync("twin");
        await using var database = TwinDatabase.CreateDataSource(databaseUrl, "twin-fault-tests");
        await Migrator.MigrateAsync(database);
        await CityManifest.LoadAsync(database, Path.Combine(SampleCityServer.RepositoryRoot, "data", "sample", "sample.json"), null, CancellationToken.None);
        using var keys = new ApiKeys(database);
        appKey = await keys.CreateAsync("fault-app", "citizen-app", null, null, CancellationToken.None);
    }

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task PostgreSQL_stopped_and_started_under_a_burst_of_posts_loses_no_acknowledged_case_doubles_none_and_never_answers_500()
    {
        var simulator = new Simulator(new Dictionary<string, string> { ["*"] = "fault-secret" });
        await using var receiver = Simulator.Build([], simulator);
        receiver.Urls.Add("http://127.0.0.1:0");
        await receiver.StartAsync();
        var receiverAddress = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await ExecuteAsync($"UPDATE organisations SET webhook_url = '{receiverAddress}/webhooks/' || key, webhook_secret = 'fault-secret' WHERE key = 'klotterfritt'");

        await using var server = await ServerProcess.StartAsync(databaseUrl, new Dictionary<string, string>
        {
            // Each case goes on to the contractor at once, through the outbox, whose worker must live through the outage.
            ["Cases__AutoForward"] = "true",
            ["Outbox__PollMilliseconds"] = "50",
            ["Outbox__FirstRetrySeconds"] = "0.2",
            ["Database__RetryAfterSeconds"] = "1",
        });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = Limit };
        var tally = new Tally();
        using var stop = new CancellationTokenSource();
        const int Clients = 12;
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(() => ClientAsync(http, $"client{c}", tally, stop.Token))).ToList();

        // Posts flow; then PostgreSQL goes away for three seconds under them, and comes back.
        await UntilAsync(() => tally.Acknowledged.Count >= 2 * Clients, "posts are taken before the outage");
        var readyBefore = await ReadyAsync(http);
        var ackedBeforeOutage = tally.Acknowledged.Count;
        await cluster.StopAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var readyDuring = await ReadyAsync(http);
        await Task.Delay(TimeSpan.FromSeconds(2));
        await cluster.StartAsync();
        var restarted = Stopwatch.GetTimestamp();
        var readyAfter = HttpStatusCode.ServiceUnavailable;
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15); readyAfter != HttpStatusCode.OK && DateTime.UtcNow < deadline; await Task.Delay(100))
            readyAfter = await ReadyAsync(http);
        var recovery = Stopwatch.GetElapsedTime(restarted);
        var ackedAtRecovery = tally.Acknowledged.Count;
        await UntilAsync(() => tally.Acknowledged.Count >= ackedAtRecovery + 2 * Clients, "posts are taken again after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(clients);

        // Every acknowledged case went on to the contractor once: the outbox worker came back with the database.
        var stored = await StoredAsync();
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30); simulator.All.Count < stored.Count && DateTime.UtcNow < deadline;) await Task.Delay(100);
        var (lost, doubled, unacknowledged) = Compare(tally, stored);
        output.WriteLine($"{tally}; {ackedBeforeOutage} acknowledged before the outage, {tally.Acknowledged.Count - ackedAtRecovery} after it; " +
                         $"ready {(int)readyBefore} before, {(int)readyDuring} during, {(int)readyAfter} {recovery.TotalSeconds:F1} s after the restart; " +
                         $"lost {lost}, doubled {doubled}, stored unacknowledged {unacknowledged}; {simulator.All.Count} of {stored.Count} cases delivered to the contractor");

        tally.Unavailable.ShouldBeGreaterThan(0, "the posts met the outage");
        AssertClean(tally, lost, doubled, unacknowledged, server);
        (readyBefore, readyDuring, readyAfter).ShouldBe((HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK));
        simulator.All.Count.ShouldBe(stored.Count, "every case delivered once to the contractor, by its key");
        simulator.Refused.ShouldBe(0);
    }

    [Fact]
    public async Task A_burst_of_300_simultaneous_posts_on_a_fresh_server_is_served_or_answered_503_or_429_with_Retry_After_and_loses_nothing()
    {
        await using var server = await ServerProcess.StartAsync(databaseUrl);
        // Fresh, but warmed: before it listened, it answered a look-up of its own through its GraphQL endpoint (or it
        // would have warned that warming up stopped, and why).
        server.Output.ShouldNotContain("Warming up stopped");
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = Limit };
        var tally = new Tally();
        // 100 posts of their own, and 20 that a client sends ten times at once: 300 requests, let go together.
        var keys = Enumerable.Range(0, 100).Select(i => $"single-{i}")
            .Concat(Enumerable.Range(0, 20).SelectMany(i => Enumerable.Repeat($"repeated-{i}", 10))).ToList();
        using var gate = new SemaphoreSlim(0);
        var burst = keys.Select(key => Task.Run(async () =>
        {
            await gate.WaitAsync();
            return (Key: key, Answer: await PostAsync(http, key, tally));
        })).ToList();
        gate.Release(keys.Count);
        var first = await Task.WhenAll(burst);
        var servedAtOnce = first.Count(f => f.Answer.Id is not null);

        // What was turned away is posted again after its Retry-After until it is taken: nothing may be lost on the way.
        await Task.WhenAll(first.Where(f => f.Answer.Id is null).Select(f => f.Key).Distinct()
            .Where(key => !tally.Acknowledged.ContainsKey(key)).Select(key => UntilAcknowledgedAsync(http, key, tally, first.First(x => x.Key == key).Answer)));
        var (lost, doubled, unacknowledged) = Compare(tally, await StoredAsync());
        output.WriteLine($"{servedAtOnce} of {keys.Count} served at once; {tally}; lost {lost}, doubled {doubled}, stored unacknowledged {unacknowledged}");

        tally.Acknowledged.Count.ShouldBe(120);
        AssertClean(tally, lost, doubled, unacknowledged, server);
    }

    /// <summary>One client: post after post, each with its own key, each tried again until it is acknowledged.</summary>
    private async Task ClientAsync(HttpClient http, string name, Tally tally, CancellationToken stop)
    {
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            await UntilAcknowledgedAsync(http, $"{name}-{n}", tally, await PostAsync(http, $"{name}-{n}", tally));
        }
    }

    private async Task UntilAcknowledgedAsync(HttpClient http, string key, Tally tally, (string? Id, TimeSpan? RetryAfter) firstAnswer)
    {
        var deadline = DateTime.UtcNow + Patience;
        for (var answer = firstAnswer; answer.Id is null; answer = await PostAsync(http, key, tally))
        {
            if (answer.RetryAfter is not { } wait || DateTime.UtcNow > deadline)
            {
                tally.Unfinished.Add(key);
                return;
            }
            await Task.Delay(wait);
        }
    }

    /// <summary>One Open311 post, counted; the case's number when it was taken, or how long to wait before trying again.</summary>
    private async Task<(string? Id, TimeSpan? RetryAfter)> PostAsync(HttpClient http, string key, Tally tally)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "open311/v2/requests.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = appKey, ["service_code"] = "graffiti", ["lat"] = PillarLat, ["long"] = PillarLon, ["description"] = $"Tags, post {key}",
            }),
        };
        request.Headers.Add("Idempotency-Key", key);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            tally.Took(clock.Elapsed);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    tally.Acknowledge(key, JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!);
                    return (tally.Acknowledged[key], null);
                case HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests when retryAfter is not null
                                                                                            && JsonDocument.Parse(body).RootElement[0].GetProperty("code").GetInt32() == (int)response.StatusCode:
                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.ServiceUnavailable ? ref tally.Unavailable : ref tally.Throttled);
                    return (null, retryAfter);
                case HttpStatusCode.InternalServerError:
                    Interlocked.Increment(ref tally.ServerErrors);
                    return (null, TimeSpan.FromSeconds(1));
                default:
                    tally.Other.Add($"{(int)response.StatusCode} {(retryAfter is null ? "without" : "with")} Retry-After: {body[..Math.Min(body.Length, 200)]}");
                    return (null, TimeSpan.FromSeconds(1));
            }
        }
        catch (TaskCanceledException)
        {
            Interlocked.Increment(ref tally.Hung); // no answer within the limit
            return (null, TimeSpan.FromSeconds(1));
        }
        catch (HttpRequestException e)
        {
            tally.Other.Add($"no answer: {e.Message}");
            return (null, TimeSpan.FromSeconds(1));
        }
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60); !condition(); await Task.Delay(50))
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Not within 60 s: {what}");
        }
    }

    private static async Task<HttpStatusCode> ReadyAsync(HttpClient http)
    {
        using var response = await http.GetAsync("health/ready");
        return response.StatusCode;
    }

    /// <summary>The test's cases as stored: key → the numbers of its cases.</summary>
    private async Task<Dictionary<string, List<string>>> StoredAsync()
    {
        // A data source of its own: the cluster may have restarted under any earlier one.
        await using var database = TwinDatabase.CreateDataSource(databaseUrl, "twin-fault-tests");
        await using var command = database.CreateCommand("SELECT idempotency_key, service_request_id FROM cases WHERE idempotency_key IS NOT NULL");
        await using var reader = await command.ExecuteReaderAsync();
        var stored = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            if (!stored.TryGetValue(reader.GetString(0), out var ids)) stored[reader.GetString(0)] = ids = [];
            ids.Add(reader.GetString(1));
        }
        return stored;
    }

    /// <summary>
    /// Lost: acknowledged but not stored as acknowledged. Doubled: a key with two cases, or acknowledged with two
    /// numbers. Stored unacknowledged: a case that no client was told of (its client gave up on it).
    /// </summary>
    private static (int Lost, int Doubled, int Unacknowledged) Compare(Tally tally, Dictionary<string, List<string>> stored) => (
        tally.Acknowledged.Count(a => !stored.TryGetValue(a.Key, out var ids) || !ids.Contains(a.Value)),
        stored.Count(s => s.Value.Count > 1) + tally.Contradictions,
        stored.Keys.Count(k => !tally.Acknowledged.ContainsKey(k)));

    private static void AssertClean(Tally tally, int lost, int doubled, int unacknowledged, ServerProcess server)
    {
        var context = $"{tally}\nThe server's last lines:\n{server.Output}";
        tally.ServerErrors.ShouldBe(0, context);
        tally.Hung.ShouldBe(0, context);
        tally.Other.ShouldBeEmpty(context);
        tally.Slowest.ShouldBeLessThan(Limit, context);
        tally.Unfinished.ShouldBeEmpty(context);
        lost.ShouldBe(0, context);
        doubled.ShouldBe(0, context);
        unacknowledged.ShouldBe(0, context);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(databaseUrl);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What the clients were answered.</summary>
    private sealed class Tally
    {
        public int Unavailable;
        public int Throttled;
        public int ServerErrors;
        public int Hung;
        public int Contradictions;
        private long slowestTicks;

        public ConcurrentDictionary<string, string> Acknowledged { get; } = new(StringComparer.Ordinal);

        public ConcurrentBag<string> Other { get; } = [];

        public ConcurrentBag<string> Unfinished { get; } = [];

        public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref slowestTicks));

        public void Acknowledge(string key, string id)
        {
            if (Acknowledged.GetOrAdd(key, id) != id) Interlocked.Increment(ref Contradictions);
        }

        public void Took(TimeSpan elapsed)
        {
            for (var slowest = Interlocked.Read(ref slowestTicks); elapsed.Ticks > slowest; slowest = Interlocked.Read(ref slowestTicks))
            {
                if (Interlocked.CompareExchange(ref slowestTicks, elapsed.Ticks, slowest) == slowest) break;
            }
        }

        public override string ToString() =>
            $"{Acknowledged.Count} posts acknowledged; answers 503 {Unavailable}, 429 {Throttled}, 500 {ServerErrors}, other {Other.Count}, " +
            $"hung {Hung}, unfinished {Unfinished.Count}; slowest {Slowest.TotalSeconds:F1} s{(Other.IsEmpty ? "" : $" (e.g. {Other.First()})")}";
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using DigitalTwin.Data.Access;
using DigitalTwin.Data.Database;
using Xunit.Abstractions;

namespace DigitalTwin.Server.Tests.Cluster;

/// <summary>
/// The short version of <c>./twin bench failover</c>: a real pg_auto_failover pair (monitor, primary, synchronous
/// standby), one server process on the multi-host URL, Open311 posts at a steady rate, each tried again with its key
/// until acknowledged as a client would; the primary killed with SIGKILL, keeper and PostgreSQL together. The monitor
/// promotes the standby, the server finds it by itself, and every acknowledged post has exactly one case.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task No_acknowledged_post_is_lost_or_doubled_when_the_primary_is_killed_and_writes_come_back_on_the_promoted_standby()
    {
        await using var pair = await SampleCityPair.StartNewAsync();
        string key;
        await using (var dataSource = TwinDatabase.CreateDataSource(pair.Url))
            key = (await ApiKeyWriter.CreateAsync(dataSource, "failover test", TwinRoles.CitizenApp, null, null, CancellationToken.None)).Key;
        await using var server = await ServerProcess.StartAsync(pair.Url, new Dictionary<string, string> { ["Database__LookupsFromStandby"] = "true" });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };

        var acknowledged = new ConcurrentDictionary<string, DateTime>();
        var prefix = $"failover-test-{Guid.NewGuid():N}-";
        using var stop = new CancellationTokenSource();
        var posting = PostSteadilyAsync(http, key, prefix, acknowledged, stop.Token);

        await EventuallyAsync(() => acknowledged.Count >= 20 || posting.IsFaulted, TimeSpan.FromSeconds(60), $"posts acknowledged before the kill\n{server.Output}");
        if (posting.IsFaulted) await posting; // a post answered neither 2xx nor 503: its assertion, with the answer
        var oldPrimary = await pair.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));
        var killedAt = DateTime.UtcNow;
        await pair.KillAsync(oldPrimary);
        output.WriteLine($"killed the primary on :{oldPrimary} with {acknowledged.Count} posts acknowledged");

        // Writes come back: posts acknowledged after the kill, by the promoted standby.
        await EventuallyAsync(() => acknowledged.Values.Count(at => at > killedAt.AddSeconds(1)) >= 20, TimeSpan.FromSeconds(60),
            $"posts acknowledged after the failover\n{server.Output}");
        // Asked again for a while: on a loaded machine one answer can miss its 2 s while the keeper is busy.
        var newPrimary = await pair.WaitForPrimaryAsync(TimeSpan.FromSeconds(30), other: oldPrimary);
        var gap = acknowledged.Values.Order().Zip(acknowledged.Values.Order().Skip(1), (a, b) => (b - a).TotalSeconds).Max();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"longest gap between acknowledged posts: {gap:F1} s"));
        await stop.CancelAsync();
        await posting;

        // Counted on the new primary, by its port: a data source on the URL of both may still hold, for some seconds,
        // Npgsql's word from before the failover that this host is a standby, and find no primary.
        await using var check = TwinDatabase.CreateDataSource(pair.UrlOf(newPrimary));
        await using var command = check.CreateCommand("SELECT idempotency_key, count(*) FROM cases WHERE idempotency_key LIKE $1 GROUP BY 1");
        command.Parameters.AddWithValue(prefix + "%");
        var cases = new Dictionary<string, long>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) cases[reader.GetString(0)] = reader.GetInt64(1);
        }
        acknowledged.Keys.Where(k => !cases.ContainsKey(k)).ShouldBeEmpty("acknowledged posts without a case (lost)");
        cases.Where(c => c.Value > 1).Select(c => c.Key).ShouldBeEmpty("keys with two cases (doubled)");
    }

    /// <summary>20 posts a second, each tried again every 200 ms with its key until acknowledged (or the test stops).</summary>
    private static async Task PostSteadilyAsync(HttpClient http, string key, string prefix, ConcurrentDictionary<string, DateTime> acknowledged, CancellationToken stop)
    {
        var posts = new List<Task>();
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            posts.Add(PostUntilAcknowledgedAsync(http, key, prefix + n.ToString(CultureInfo.InvariantCulture), acknowledged, stop));
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        await Task.WhenAll(posts);
    }

    private static async Task PostUntilAcknowledgedAsync(HttpClient http, string key, string idempotency, ConcurrentDictionary<string, DateTime> acknowledged, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "open311/v2/requests.json")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = "59.3075", ["long"] = "18.0765", ["description"] = "failover test", ["locale"] = "en",
                    }),
                };
                request.Headers.Add("Idempotency-Key", idempotency);
                using var response = await http.SendAsync(request, CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    acknowledged[idempotency] = DateTime.UtcNow;
                    return;
                }
                ((int)response.StatusCode).ShouldBe(503, await response.Content.ReadAsStringAsync(CancellationToken.None));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // No answer: unknown whether it was done, so the same key again.
            }
            try
            {
                await Task.Delay(200, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan within, string what)
    {
        var until = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"Not within {within.TotalSeconds} s: {what}");
            await Task.Delay(100);
        }
    }
}

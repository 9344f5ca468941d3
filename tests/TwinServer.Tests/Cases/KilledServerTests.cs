using System.Diagnostics;
using DigitalTwin.ContractorSimulator;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// A case is never lost and never delivered twice, even when the server is killed mid-send (product contract section 6): the
/// real server, as its own process, forwarding 1,000 cases to the contractor simulator, killed with SIGKILL in the
/// middle, then started again.
/// </summary>
public sealed class KilledServerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private TestDatabase database = null!;
    private WebApplication simulatorApp = null!;
    private readonly Simulator simulator = new(new Dictionary<string, string> { ["*"] = "kill-secret" });
    private Uri simulatorAddress = null!;

    public async Task InitializeAsync()
    {
        database = await PostgisServer.CreateDatabaseAsync("killed", seed: SampleCityServer.SampleCity);
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

    [Fact]
    public async Task A_server_killed_while_forwarding_1000_cases_delivers_each_exactly_once_after_a_restart()
    {
        const int count = 1000;
        await database.ScalarAsync<int>($"UPDATE organisations SET webhook_url = '{simulatorAddress}webhooks/' || key, webhook_secret = 'kill-secret' WHERE key = 'klotterfritt'");
        // 1,000 cases forwarded to the graffiti subcontractor: each with its outbox row, as ForwardAsync writes them.
        await database.ForwardedCasesAsync("K", count, simulatorAddress);

        using (var first = StartServer())
        {
            await EventuallyAsync(() => simulator.All.Count >= count / 3, TimeSpan.FromSeconds(60), "a third delivered by the first server");
            first.Kill(entireProcessTree: true); // SIGKILL: no shutdown, transactions cut off mid-send
            await first.WaitForExitAsync();
        }
        var atKill = simulator.All.Count;
        atKill.ShouldBeLessThan(count, "the first server was killed before it was done; make the test's cases slower to deliver");

        using var second = StartServer();
        try
        {
            await EventuallyAsync(() => simulator.All.Count >= count, TimeSpan.FromSeconds(120), "every case delivered after the restart");
            await EventuallyAsync(async () => await database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE state <> 'delivered'") == 0,
                TimeSpan.FromSeconds(30), "every delivery recorded");
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }

        // Exactly once: one idempotency key per case, each received; a delivery cut off mid-send came again with
        // its key, and the receiver kept one.
        var received = simulator.All;
        received.Count.ShouldBe(count);
        received.Select(r => r.Body).Distinct().Count().ShouldBe(count);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT idempotency_key) FROM outbox")).ShouldBe(count);
        received.Count(r => r.Times > 1).ShouldBeLessThanOrEqualTo(2 * 16); // at most what was in flight at the kill: 2 workers × batches of 16
        simulator.Refused.ShouldBe(0);
        output.WriteLine($"{atKill} received before the kill; {received.Count(r => r.Times > 1)} sent again after it with the same key; {count} cases, each once.");
    }

    private Process StartServer()
    {
        var dll = Path.Combine(SampleCityServer.RepositoryRoot, "src", "TwinServer", "bin", "Release", "net10.0", "TwinServer.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} is built by ./twin test");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["TWIN_DATABASE_URL"] = database.ConnectionString;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Outbox__PollMilliseconds"] = "20";
        start.Environment["Outbox__FirstRetrySeconds"] = "0.2";
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static Task EventuallyAsync(Func<bool> condition, TimeSpan within, string what) =>
        EventuallyAsync(() => Task.FromResult(condition()), within, what);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Not within {within.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }
}

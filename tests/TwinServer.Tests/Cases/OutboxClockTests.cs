using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The sample city on a clock the test moves (FakeTimeProvider), with the outbox's workers off so that the test
/// drives each attempt, and the graffiti subcontractor's webhook on a port where nothing listens.
/// </summary>
public sealed class StoppedClockCity : SampleCityServer
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:Enabled", "false");
        builder.UseSetting("Outbox:FirstRetrySeconds", "60");
        builder.UseSetting("Outbox:MaxRetrySeconds", "90");
        builder.UseSetting("Outbox:MaxAttempts", "3");
        builder.UseSetting("Cases:AutoForward", "true");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await Database.ScalarAsync<int>(
            "UPDATE organisations SET webhook_url = 'http://127.0.0.1:9/hooks', webhook_secret = 'clock-secret', open311_endpoint = NULL, email = NULL WHERE key = 'klotterfritt'");
    }
}

/// <summary>The outbox's back-off is read from the clock: a failed delivery is due again exactly when its wait is over.</summary>
public sealed class OutboxClockTests(StoppedClockCity server) : IClassFixture<StoppedClockCity>
{
    [Fact]
    public async Task A_failed_delivery_waits_twice_as_long_after_each_failure_up_to_the_cap_and_is_dead_after_the_last_attempt()
    {
        var app = await server.KeyAsync("citizen-app");
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", // story S1: klotterfritt
        }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
        var worker = server.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();

        // The clock stands where the forward put the delivery: due now.
        server.Clock.SetUtcNow(await NextAttemptAsync(id));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        (await StateAsync(id)).ShouldBe("pending 1");
        (await NextAttemptAsync(id)).ShouldBe(server.Clock.GetUtcNow().AddSeconds(60), TimeSpan.FromMilliseconds(1));

        server.Clock.Advance(TimeSpan.FromSeconds(59));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeFalse("a second before its wait is over, the delivery is not due");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        (await StateAsync(id)).ShouldBe("pending 2");
        // Twice the first wait would be 120 s; the cap is 90.
        (await NextAttemptAsync(id)).ShouldBe(server.Clock.GetUtcNow().AddSeconds(90), TimeSpan.FromMilliseconds(1));

        server.Clock.Advance(TimeSpan.FromSeconds(90));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        (await StateAsync(id)).ShouldBe("dead 3");
        server.Clock.Advance(TimeSpan.FromDays(1));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeFalse("a dead delivery is not tried again");

        var kinds = await server.Database.ScalarAsync<string>(
            "SELECT string_agg(kind, ' ' ORDER BY id) FROM case_events WHERE case_id = (SELECT id FROM cases WHERE service_request_id = $1) AND kind IN ('delivery-failed', 'dead-letter')", id);
        kinds.ShouldBe("delivery-failed delivery-failed dead-letter");
    }

    private async Task<DateTimeOffset> NextAttemptAsync(string id) => new(await server.Database.ScalarAsync<DateTime>(
        "SELECT o.next_attempt_at FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", id), TimeSpan.Zero);

    private Task<string> StateAsync(string id) => server.Database.ScalarAsync<string>(
        "SELECT o.state || ' ' || o.attempts FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", id);
}

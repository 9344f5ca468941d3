using System.Collections.Concurrent;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The sample city with the outbox's workers off (the test drives each batch) and the graffiti subcontractor's webhook
/// at a receiver of the test's own, which ends the sending worker's database session while it answers: the database
/// is lost between the send and the record, as at a failover. On a clock the test moves; one delivery per batch.
/// </summary>
public sealed class SessionEndingReceiverCity : SampleCityServer
{
    private WebApplication? receiver;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Each idempotency key the receiver took, with how many times.</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the receiver ends the session that holds the outbox's rows before it answers.</summary>
    public volatile bool EndSession = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:Enabled", "false");
        builder.UseSetting("Cases:AutoForward", "true");
        builder.UseSetting("Outbox:BatchSize", "1");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        receiver = WebApplication.CreateSlimBuilder().Build();
        receiver.Urls.Add("http://127.0.0.1:0");
        receiver.MapPost("/hooks", async (HttpContext http) =>
        {
            if (EndSession)
            {
                // The session that locked the delivery's row (FOR UPDATE: a RowShareLock on outbox) is the sender's.
                await Database.ScalarAsync<int>(
                    "SELECT count(pg_terminate_backend(l.pid))::int FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'outbox' AND l.mode = 'RowShareLock' AND l.pid <> pg_backend_pid()");
            }
            Received.AddOrUpdate(http.Request.Headers["Idempotency-Key"].ToString(), 1, (_, n) => n + 1);
            return Results.Json(new { id = "R-1" });
        });
        await receiver.StartAsync();
        var address = receiver.Urls.Single();
        await Database.ScalarAsync<int>(
            "WITH u AS (UPDATE organisations SET webhook_url = $1, webhook_secret = 'unrecorded-secret', open311_endpoint = NULL, email = NULL WHERE key = 'klotterfritt' RETURNING 1) SELECT count(*)::int FROM u",
            address + "/hooks");
    }

    public override async ValueTask DisposeAsync()
    {
        if (receiver is not null) await receiver.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// A delivery the receiver took is not sent again because the database went away before it was recorded, and after the
/// loss what was due before it waits, in case another node sent it.
/// </summary>
public sealed class OutboxUnrecordedTests(SessionEndingReceiverCity server) : IClassFixture<SessionEndingReceiverCity>
{
    [Fact]
    public async Task A_delivery_sent_before_the_database_went_away_is_recorded_when_it_answers_and_not_sent_again_and_older_ones_wait_their_grace()
    {
        var first = await PostAsync();
        var older = await PostAsync();
        var worker = server.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();
        server.Clock.SetUtcNow(await NextAttemptAsync(older)); // both due

        // Sent, and the session ended under it before the outcome was recorded: the batch fails, the outcome is kept.
        await Should.ThrowAsync<Exception>(() => worker.DeliverBatchAsync(CancellationToken.None));
        server.Received.Values.Sum().ShouldBe(1);
        worker.Unrecorded.ShouldBe(1);
        (await StateAsync(first)).ShouldBe("pending 0");

        // A report after the loss, due when the database answers again.
        server.EndSession = false;
        var newer = await PostAsync();
        server.Clock.SetUtcNow(await NextAttemptAsync(newer));

        // The kept outcome is recorded, and nothing is sent.
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        worker.Unrecorded.ShouldBe(0);
        (await StateAsync(first)).ShouldBe("delivered 1");
        server.Received.Values.Sum().ShouldBe(1);
        (await server.Database.ScalarAsync<string>(
            "SELECT string_agg(kind || ':' || coalesce(data->>'external_id', ''), ' ' ORDER BY id) FROM case_events WHERE case_id = (SELECT id FROM cases WHERE service_request_id = $1) AND kind IN ('delivered', 'delivery-failed')", first))
            .ShouldBe("delivered:R-1");

        // What came due since the loss goes at once; what was due before it (another node may have sent it just before)
        // waits the grace.
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        (await StateAsync(newer)).ShouldBe("delivered 1");
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeFalse("what was due before the loss waits");
        (await StateAsync(older)).ShouldBe("pending 0");
        server.Clock.Advance(TimeSpan.FromSeconds(10));
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        (await StateAsync(older)).ShouldBe("delivered 1");
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeFalse("nothing is left to send");
        server.Received.Count.ShouldBe(3);
        server.Received.Values.ShouldAllBe(n => n == 1);
    }

    private async Task<string> PostAsync()
    {
        var app = await server.KeyAsync("citizen-app");
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", // story S1: klotterfritt
        }));
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<DateTimeOffset> NextAttemptAsync(string id) => new(await server.Database.ScalarAsync<DateTime>(
        "SELECT o.next_attempt_at FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", id), TimeSpan.Zero);

    private Task<string> StateAsync(string id) => server.Database.ScalarAsync<string>(
        "SELECT o.state || ' ' || o.attempts FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", id);
}

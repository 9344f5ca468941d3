using System.Collections.Concurrent;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The sample city with the outbox's workers off (the test drives each batch) and the graffiti subcontractor's webhook
/// at a receiver of the test's own, which ends the sending worker's database session while it answers: the database
/// is lost between the send and the record, as at a failover.
/// </summary>
public sealed class SessionEndingReceiverCity : SampleCityServer
{
    private WebApplication? receiver;

    /// <summary>Each idempotency key the receiver took, with how many times.</summary>
    public ConcurrentDictionary<string, int> Received { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether the receiver ends the session that holds the outbox's rows before it answers.</summary>
    public volatile bool EndSession = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:Enabled", "false");
        builder.UseSetting("Cases:AutoForward", "true");
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

/// <summary>A delivery the receiver took is not sent again because the database went away before it was recorded.</summary>
public sealed class OutboxUnrecordedTests(SessionEndingReceiverCity server) : IClassFixture<SessionEndingReceiverCity>
{
    [Fact]
    public async Task A_delivery_sent_before_the_database_went_away_is_recorded_when_it_answers_and_not_sent_again()
    {
        var app = await server.KeyAsync("citizen-app");
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", // story S1: klotterfritt
        }));
        response.EnsureSuccessStatusCode();
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
        var worker = server.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();

        // Sent, and the session ended under it before the outcome was recorded: the batch fails, the outcome is kept.
        await Should.ThrowAsync<Exception>(() => worker.DeliverBatchAsync(CancellationToken.None));
        server.Received.Values.Sum().ShouldBe(1);
        worker.Unrecorded.ShouldBe(1);
        (await StateAsync(id)).ShouldBe("pending 0");

        // The database answers again: the kept outcome is recorded, and nothing is sent.
        server.EndSession = false;
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeTrue();
        worker.Unrecorded.ShouldBe(0);
        (await StateAsync(id)).ShouldBe("delivered 1");
        (await worker.DeliverBatchAsync(CancellationToken.None)).ShouldBeFalse("nothing is left to send");
        server.Received.ShouldHaveSingleItem().Value.ShouldBe(1);
        (await server.Database.ScalarAsync<string>(
            "SELECT string_agg(kind || ':' || coalesce(data->>'external_id', ''), ' ' ORDER BY id) FROM case_events WHERE case_id = (SELECT id FROM cases WHERE service_request_id = $1) AND kind IN ('delivered', 'delivery-failed')", id))
            .ShouldBe("delivered:R-1");
    }

    private Task<string> StateAsync(string id) => server.Database.ScalarAsync<string>(
        "SELECT o.state || ' ' || o.attempts FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", id);
}

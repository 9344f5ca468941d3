using System.Net;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// No one bad delivery stops the outbox or the host: deliveries that can never be made (an address MimeKit cannot read,
/// a URL that is no URL, a payload missing its fields), as an older version could have stored
/// them, are dead at once with their reason, while good deliveries beside them in the same batches arrive.
/// </summary>
public sealed class PoisonDeliveryTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private const string PillarLat = "59.305782", PillarLon = "18.076363";

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private async Task<long> NewCaseAsync() =>
        (await Cases.CreateAsync(new NewCase("graffiti", double.Parse(PillarLon, System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(PillarLat, System.Globalization.CultureInfo.InvariantCulture), "Tags", null, null, null, null, null, null, "en", "other",
            Guid.NewGuid().ToString()), new Actor("handler:test"), CancellationToken.None)).Id;

    private Task<long> OutboxAsync(long caseId, string channel, string target, string payload, string? recipient = null) =>
        server.Database.ScalarAsync<long>(
            "INSERT INTO outbox (case_id, recipient, channel, target, payload) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING id",
            caseId, (object?)recipient ?? DBNull.Value, channel, target, payload);

    private static string CitizenPayload(string number) =>
        $$"""{"service_request_id": "{{number}}", "service_code": "graffiti", "language": "en", "status_notes": "Removed."}""";

    [Fact]
    public async Task Poison_deliveries_die_with_their_reason_and_the_good_ones_beside_them_arrive()
    {
        var poisonCase = await NewCaseAsync();
        var goodCase = await NewCaseAsync();
        var number = (await Cases.GetAsync(goodCase, CancellationToken.None))!.ServiceRequestId;
        var poison = new Dictionary<string, long>
        {
            ["a@b@c"] = await OutboxAsync(poisonCase, "citizen-email", "a@b@c", CitizenPayload(number)),
            ["group"] = await OutboxAsync(poisonCase, "citizen-email", "undisclosed:;", CitizenPayload(number)),
            ["empty payload"] = await OutboxAsync(poisonCase, "citizen-email", "someone@example.org", "{}"),
            ["no url"] = await OutboxAsync(poisonCase, "webhook", "not a url at all", """{"service_request_id": "x"}""", "klotterfritt"),
            ["ftp url"] = await OutboxAsync(poisonCase, "open311", "ftp://example.org/open311", """{"service_code": "graffiti"}""", "klotterfritt"),
        };
        var good = await OutboxAsync(goodCase, "citizen-email", "good.citizen@example.org", CitizenPayload(number));
        await Cases.ForwardAsync(goodCase, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);

        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE id = ANY($1) AND state = 'dead'", poison.Values.ToArray()) == poison.Count, "every poison delivery is dead");
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<string>("SELECT state FROM outbox WHERE id = $1", good) == "delivered",
            "the good e-mail beside them is delivered");
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<long>(
            "SELECT count(*) FROM outbox WHERE case_id = $1 AND channel = 'webhook' AND state = 'delivered'", goodCase) == 1, "the forward is delivered");

        foreach (var (what, id) in poison)
        {
            var (attempts, error) = (await server.Database.ScalarAsync<int>("SELECT attempts FROM outbox WHERE id = $1", id),
                await server.Database.ScalarAsync<string>("SELECT last_error FROM outbox WHERE id = $1", id));
            attempts.ShouldBe(1, $"{what}: no retry can help, so there is none");
            error.ShouldStartWith("undeliverable: ", customMessage: what);
        }
        (await server.Database.ScalarAsync<string>("SELECT last_error FROM outbox WHERE id = $1", poison["a@b@c"])).ShouldContain("'a@b@c' is not an e-mail address");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'dead-letter'", poisonCase)).ShouldBe(poison.Count);

        // The host lives, and the outbox goes on delivering what comes after.
        using var client = server.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var later = await OutboxAsync(goodCase, "citizen-email", "later@example.org", CitizenPayload(number));
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<string>("SELECT state FROM outbox WHERE id = $1", later) == "delivered",
            "a delivery after the poison ones is delivered");
    }

    [Theory]
    [InlineData("a@b@c")]
    [InlineData("Anna <anna@example.org>")]
    [InlineData("anna@example.org, bo@example.org")]
    [InlineData("anna@")]
    public async Task An_address_the_sender_could_not_read_is_refused_at_intake(string email)
    {
        var app = await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"poison-{Guid.NewGuid():N}", "citizen-app", null, null, CancellationToken.None);
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = PillarLat, ["long"] = PillarLon, ["email"] = email,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("e-mail address");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE email = $1", email)).ShouldBe(0);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// Cases through GraphQL (product contract 4): a handler's tool takes a case in, forwards it and follows it; the contractor it went
/// to reports progress with its own key and never sees the reporter; another contractor, an integration, a citizen app
/// and a caller without a key see nothing and change nothing.
/// </summary>
public sealed class GraphQLCaseTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private const string CaseFields = "id serviceRequestId status category assignee suggestedTo objectId lon lat";

    private async Task<string> KeyAsync(string role, string? organisation = null) =>
        await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"gql-{role}-{Guid.NewGuid():N}", role, organisation, null, CancellationToken.None);

    private async Task<(HttpStatusCode Status, JsonElement Body)> AskAsync(string? key, string query, object? variables = null)
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string[] ErrorCodes(JsonElement body) =>
        body.TryGetProperty("errors", out var errors) ? [.. errors.EnumerateArray().Select(e => e.GetProperty("extensions").GetProperty("code").GetString()!)] : [];

    private async Task<JsonElement> CreateAsync(string handlerKey, string clientKey, string? email = "anna@example.org")
    {
        var (status, body) = await AskAsync(handlerKey, $$"""
            mutation($input: CreateCaseInput!) { createCase(input: $input) { created case { {{CaseFields}} reporter { email firstName } } } }
            """, new
        {
            input = new
            {
                category = "graffiti", at = new { x = 18.076363, y = 59.305782 }, description = "Tags on the bridge pillar", language = "SV",
                reporter = new { email, firstName = "Anna" }, clientKey,
            },
        });
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        ErrorCodes(body).ShouldBeEmpty(body.ToString());
        return body.GetProperty("data").GetProperty("createCase");
    }

    [Fact]
    public async Task A_handler_takes_a_case_in_forwards_it_and_the_contractor_reports_progress_without_seeing_the_reporter()
    {
        var handler = await KeyAsync("handler");
        var clientKey = Guid.NewGuid().ToString();
        var created = await CreateAsync(handler, clientKey);
        created.GetProperty("created").GetBoolean().ShouldBeTrue();
        var made = created.GetProperty("case");
        made.GetProperty("status").GetString().ShouldBe("RECEIVED");
        made.GetProperty("suggestedTo").GetString().ShouldBe("klotterfritt"); // story S1: the bridge pillar's graffiti subcontractor
        made.GetProperty("reporter").GetProperty("email").GetString().ShouldBe("anna@example.org");
        var id = made.GetProperty("id").GetString()!;
        var number = made.GetProperty("serviceRequestId").GetString()!;

        // A retry with the same client key is the same case.
        var again = await CreateAsync(handler, clientKey);
        again.GetProperty("created").GetBoolean().ShouldBeFalse();
        again.GetProperty("case").GetProperty("id").GetString().ShouldBe(id);
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM cases WHERE idempotency_key = '{clientKey}'")).ShouldBe(1);

        var (_, forwarded) = await AskAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: 1, note: "Pillar 1, north side") { {{CaseFields}} } }""");
        ErrorCodes(forwarded).ShouldBeEmpty(forwarded.ToString());
        forwarded.GetProperty("data").GetProperty("forwardCase").GetProperty("status").GetString().ShouldBe("FORWARDED");
        forwarded.GetProperty("data").GetProperty("forwardCase").GetProperty("assignee").GetString().ShouldBe("klotterfritt");
        // Recorded as delivered (not only received), so that the timeline's order below is settled.
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<long>(
                $"SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}' AND o.state = 'delivered'") == 1,
            "the contractor's system receives the case");
        server.Simulator.All.Single(r => r.Body.Contains(number, StringComparison.Ordinal)).Body.ShouldNotContain("anna@example.org");

        // Found by its object and by an area around the pillar, not by an area elsewhere.
        var (_, found) = await AskAsync(handler, """
            { byObject: cases(filter: { objectId: "sthlm-assets:TK-BRO-0417-S1" }) { serviceRequestId }
              near: cases(filter: { within: { type: "Polygon", coordinates: [[[18.076, 59.3055], [18.0767, 59.3055], [18.0767, 59.306], [18.076, 59.306], [18.076, 59.3055]]] } }) { serviceRequestId }
              far: cases(filter: { within: { type: "Polygon", coordinates: [[[24.9, 60.1], [25.0, 60.1], [25.0, 60.2], [24.9, 60.1]]] } }) { serviceRequestId } }
            """);
        ErrorCodes(found).ShouldBeEmpty(found.ToString());
        found.GetProperty("data").GetProperty("byObject").EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldContain(number);
        found.GetProperty("data").GetProperty("near").EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldContain(number);
        found.GetProperty("data").GetProperty("far").EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldNotContain(number);
        var (_, badArea) = await AskAsync(handler, """{ cases(filter: { within: { type: "Polygon", coordinates: "nope" } }) { id } }""");
        ErrorCodes(badArea).ShouldBe(["BAD_AREA"]);

        // The contractor, with its own key: sees its case, not the reporter; reports progress; may not close it.
        var contractor = await KeyAsync("contractor", "klotterfritt");
        var (_, seen) = await AskAsync(contractor, $$"""{ cases(filter: { status: [FORWARDED] }) { serviceRequestId assignee } case(id: "{{id}}") { serviceRequestId reporter { email } } }""");
        seen.GetProperty("data").GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldContain(number);
        seen.GetProperty("data").GetProperty("cases").EnumerateArray().ShouldAllBe(c => c.GetProperty("assignee").GetString() == "klotterfritt");
        seen.GetProperty("data").GetProperty("case").GetProperty("reporter").ValueKind.ShouldBe(JsonValueKind.Null);
        ErrorCodes(seen).ShouldBe(["FORBIDDEN"]);
        seen.ToString().ShouldNotContain("anna@example.org");

        var (_, progress) = await AskAsync(contractor, $$"""mutation { setCaseStatus(id: "{{number}}", status: IN_PROGRESS, note: "Crew on the way") { status statusNotes } }""");
        ErrorCodes(progress).ShouldBeEmpty(progress.ToString());
        progress.GetProperty("data").GetProperty("setCaseStatus").GetProperty("status").GetString().ShouldBe("IN_PROGRESS");
        var (_, close) = await AskAsync(contractor, $$"""mutation { setCaseStatus(id: "{{number}}", status: CLOSED) { status } }""");
        ErrorCodes(close).ShouldBe(["BAD_STATUS"]);

        // The handler follows it: the timeline names who did what.
        var (_, followed) = await AskAsync(handler, $$"""{ case(id: "{{id}}") { status timeline { actor kind } deliveries { recipient state } } }""");
        var timeline = followed.GetProperty("data").GetProperty("case").GetProperty("timeline").EnumerateArray()
            .Select(e => e.GetProperty("kind").GetString()).ToList();
        timeline.ShouldBe(["received", "suggested", "forwarded", "delivered", "status"]);
        followed.GetProperty("data").GetProperty("case").GetProperty("timeline")[4].GetProperty("actor").GetString()!.ShouldStartWith("key:gql-contractor-");
        followed.GetProperty("data").GetProperty("case").GetProperty("deliveries")[0].GetProperty("state").GetString().ShouldBe("delivered");
    }

    [Fact]
    public async Task Another_contractor_sees_nothing_of_the_case_and_changes_nothing()
    {
        var handler = await KeyAsync("handler");
        var made = (await CreateAsync(handler, Guid.NewGuid().ToString())).GetProperty("case");
        var number = made.GetProperty("serviceRequestId").GetString()!;
        (await AskAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: 1) { status } }""")).Body.GetProperty("data").GetProperty("forwardCase")
            .GetProperty("status").GetString().ShouldBe("FORWARDED");
        // The outbox records its delivery outcomes whenever it gets to them: count only what callers did.
        var eventsByCallers = $"SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.service_request_id = '{number}' " +
                              "AND e.kind NOT IN ('delivered', 'delivery-failed', 'dead-letter')";
        var events = await server.Database.ScalarAsync<long>(eventsByCallers);

        var other = await KeyAsync("contractor", "gatudrift-soder");
        var (_, read) = await AskAsync(other, $$"""
            { byNumber: case(id: "{{number}}") { id } byId: case(id: "{{made.GetProperty("id").GetString()}}") { id }
              asked: cases(filter: { assignee: "klotterfritt" }) { id } mine: cases { serviceRequestId } }
            """);
        read.GetProperty("data").GetProperty("byNumber").ValueKind.ShouldBe(JsonValueKind.Null);
        read.GetProperty("data").GetProperty("byId").ValueKind.ShouldBe(JsonValueKind.Null);
        read.GetProperty("data").GetProperty("asked").GetArrayLength().ShouldBe(0);
        read.GetProperty("data").GetProperty("mine").EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldNotContain(number);

        foreach (var change in new[]
                 {
                     $$"""mutation { setCaseStatus(id: "{{number}}", status: DONE) { status } }""",
                     $$"""mutation { rejectCase(id: "{{number}}", reason: "Not ours") { status } }""",
                 })
        {
            var (_, refused) = await AskAsync(other, change);
            ErrorCodes(refused).ShouldBe(["UNKNOWN_CASE"], refused.ToString());
        }
        foreach (var change in new[]
                 {
                     $$"""mutation { forwardCase(id: "{{number}}", recipient: "gatudrift-soder", expectedVersion: 1, reason: "Mine now") { status } }""",
                     $$"""mutation { replyToCitizen(id: "{{number}}", text: "Hello") { status } }""",
                     """mutation { createCase(input: { category: "graffiti", at: { x: 18.07, y: 59.30 } }) { created } }""",
                 })
        {
            var (_, refused) = await AskAsync(other, change);
            ErrorCodes(refused).ShouldBe(["FORBIDDEN"], refused.ToString());
        }
        (await server.Database.ScalarAsync<string>($"SELECT status || ' ' || assignee FROM cases WHERE service_request_id = '{number}'")).ShouldBe("forwarded klotterfritt");
        (await server.Database.ScalarAsync<long>(eventsByCallers)).ShouldBe(events);
    }

    [Theory]
    [InlineData("integration", "FORBIDDEN")]
    [InlineData("citizen-app", "FORBIDDEN")]
    public async Task Without_a_handlers_or_contractors_key_there_are_no_cases(string role, string code)
    {
        var handler = await KeyAsync("handler");
        var number = (await CreateAsync(handler, Guid.NewGuid().ToString(), "secret-reporter@example.org")).GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        var key = await KeyAsync(role);
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");

        var (status, read) = await AskAsync(key, $$"""{ cases { id reporter { email } } case(id: "{{number}}") { id reporter { email } } }""");
        read.ToString().ShouldNotContain("secret-reporter");
        if (role == "citizen-app")
        {
            // Refused at the door, before its request is read: one error, whatever it asks.
            status.ShouldBe(HttpStatusCode.Forbidden);
            ErrorCodes(read).ShouldBe([code]);
        }
        else
        {
            status.ShouldBe(HttpStatusCode.OK);
            ErrorCodes(read).ShouldBe([code, code]);
            read.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null); // cases is non-null: its error nulls the whole answer
        }

        var (_, created) = await AskAsync(key, """mutation { createCase(input: { category: "graffiti", at: { x: 18.07, y: 59.30 } }) { created } }""");
        ErrorCodes(created).ShouldBe([code]);
        var (_, status2) = await AskAsync(key, $$"""mutation { setCaseStatus(id: "{{number}}", status: CLOSED) { status } }""");
        ErrorCodes(status2).ShouldBe([code]);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
        (await server.Database.ScalarAsync<string>($"SELECT status FROM cases WHERE service_request_id = '{number}'")).ShouldBe("received");
    }

    [Fact]
    public async Task Every_read_of_a_reporters_contact_is_in_the_audit_trail_which_only_admins_read()
    {
        var handler = await KeyAsync("handler");
        var number = (await CreateAsync(handler, Guid.NewGuid().ToString())).GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        var reads = $"SELECT count(*) FROM audit_log WHERE action = 'read-personal-data' AND subject = 'case:{number}'";
        (await server.Database.ScalarAsync<long>(reads)).ShouldBe(1); // createCase answered with the reporter

        // Asking for the case without the reporter reads no personal data; asking with it is one more read.
        await AskAsync(handler, $$"""{ case(id: "{{number}}") { status } }""");
        (await server.Database.ScalarAsync<long>(reads)).ShouldBe(1);
        await AskAsync(handler, $$"""{ case(id: "{{number}}") { reporter { email } } }""");
        (await server.Database.ScalarAsync<long>(reads)).ShouldBe(2);

        var admin = await KeyAsync("admin");
        var (status, trail) = await AskAsync(admin, $$"""{ auditLog(subject: "case:{{number}}") { actor action subject detail } }""");
        status.ShouldBe(HttpStatusCode.OK, trail.ToString());
        var actions = trail.GetProperty("data").GetProperty("auditLog").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        actions.Count(a => a == "read-personal-data").ShouldBe(2);
        actions.ShouldContain("case-received");
        actions.ShouldContain("case-suggested");
        trail.GetProperty("data").GetProperty("auditLog").EnumerateArray().First(e => e.GetProperty("action").GetString() == "read-personal-data")
            .GetProperty("actor").GetString()!.ShouldStartWith("key:gql-handler-");

        foreach (var role in new[] { "handler", "integration", "contractor" })
        {
            var key = role == "contractor" ? await KeyAsync(role, "klotterfritt") : await KeyAsync(role);
            var (refused, body) = await AskAsync(key, "{ auditLog { action } }");
            refused.ShouldBe(HttpStatusCode.BadRequest);
            ErrorCodes(body).ShouldBe(["FORBIDDEN"]);
        }
    }

    [Fact]
    public async Task Without_any_key_graphql_answers_401_and_changes_nothing()
    {
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        foreach (var query in new[] { "{ cases { id reporter { email } } }", """mutation { createCase(input: { category: "graffiti", at: { x: 18.07, y: 59.30 } }) { created } }""" })
        {
            var (status, body) = await AskAsync(null, query);
            status.ShouldBe(HttpStatusCode.Unauthorized);
            ErrorCodes(body).ShouldBe(["UNAUTHENTICATED"]);
        }
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Fact]
    public async Task An_unknown_key_is_refused_with_401_not_taken_as_no_key()
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent("""{"query":"{ taskTypes { code } }"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", "not-a-key-we-made");
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
        (await response.Content.ReadAsStringAsync()).ShouldContain("unknown, revoked or expired");
    }

    [Fact]
    public async Task The_contractor_sends_a_case_back_and_the_handler_sees_who_and_why()
    {
        var handler = await KeyAsync("handler");
        var number = (await CreateAsync(handler, Guid.NewGuid().ToString())).GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        await AskAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: 1) { status } }""");
        var contractor = await KeyAsync("contractor", "klotterfritt");
        var (_, rejected) = await AskAsync(contractor, $$"""mutation { rejectCase(id: "{{number}}", reason: "The pillar is the railway's") { status assignee } }""");
        ErrorCodes(rejected).ShouldBeEmpty(rejected.ToString());
        // Sent back, it is no longer the contractor's: the answer to its own mutation is the case as it is now.
        rejected.GetProperty("data").GetProperty("rejectCase").GetProperty("status").GetString().ShouldBe("REJECTED");

        var (_, seen) = await AskAsync(handler, $$"""{ cases(filter: { status: [REJECTED], serviceRequestIds: ["{{number}}"] }) { timeline { kind actor data } } }""");
        // The outbox may record the forward's delivery after the rejection: the rejection is the last event of its kind.
        var last = seen.GetProperty("data").GetProperty("cases")[0].GetProperty("timeline").EnumerateArray()
            .Last(e => e.GetProperty("kind").GetString() is "rejected" or "forwarded" or "status");
        last.GetProperty("kind").GetString().ShouldBe("rejected");
        last.GetProperty("data").GetProperty("by").GetString().ShouldBe("klotterfritt");
        last.GetProperty("data").GetProperty("reason").GetString().ShouldBe("The pillar is the railway's");

        // And the contractor no longer sees it.
        var (_, after) = await AskAsync(contractor, $$"""{ case(id: "{{number}}") { id } }""");
        after.GetProperty("data").GetProperty("case").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_case_taken_in_at_a_point_in_a_national_crs_is_kept_in_wgs84_and_bad_input_is_refused()
    {
        var handler = await KeyAsync("handler");
        // The bridge pillar in SWEREF 99 18 00 (EPSG:3011), as Stockholm's own tools give it.
        var point = await server.Database.ScalarAsync<string>(
            "SELECT ST_X(p)::text || ' ' || ST_Y(p)::text FROM ST_Transform(ST_SetSRID(ST_MakePoint(18.076363, 59.305782), 4326), 3011) p");
        var (x, y) = (point.Split(' ')[0], point.Split(' ')[1]);
        var (_, body) = await AskAsync(handler, $$"""mutation { createCase(input: { category: "graffiti", at: { x: {{x}}, y: {{y}}, crs: "EPSG:3011" } }) { case { lon lat suggestedTo } } }""");
        ErrorCodes(body).ShouldBeEmpty(body.ToString());
        var made = body.GetProperty("data").GetProperty("createCase").GetProperty("case");
        made.GetProperty("lon").GetDouble().ShouldBe(18.076363, 1e-6);
        made.GetProperty("lat").GetDouble().ShouldBe(59.305782, 1e-6);
        made.GetProperty("suggestedTo").GetString().ShouldBe("klotterfritt");

        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        foreach (var (input, code) in new[]
                 {
                     ("""{ category: "fireworks", at: { x: 18.07, y: 59.30 } }""", "UNKNOWN_SERVICE"),
                     ("""{ category: "graffiti", at: { x: 18.07, y: 95 } }""", "BAD_POINT"),
                     ("""{ category: "graffiti", at: { x: 18.07, y: 59.30, crs: "EPSG:nope" } }""", "BAD_CRS"),
                     ("""{ category: "graffiti", at: { x: 18.07, y: 59.30 }, mediaUrl: "javascript:alert(1)" }""", "BAD_INPUT"),
                     ($$"""{ category: "graffiti", at: { x: 18.07, y: 59.30 }, description: "{{new string('x', 10_001)}}" }""", "BAD_INPUT"),
                 })
        {
            var (status, refused) = await AskAsync(handler, $"mutation {{ createCase(input: {input}) {{ created }} }}");
            status.ShouldBe(HttpStatusCode.OK);
            ErrorCodes(refused).ShouldBe([code], refused.ToString()[..Math.Min(400, refused.ToString().Length)]);
        }
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }
}

using System.Net;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The handler's desk through GraphQL: a change goes only where the handler saw it go (the version and the recipient
/// shown), every case has a way out (forward, choose on a conflict, elsewhere with a reason, ask the citizen, close
/// at first contact, reopen), failing deliveries can be retried or replaced, and a recipient's update is applied
/// once, together with the record of its id.
/// </summary>
public sealed class HandlerDeskTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private const double PillarLon = 18.076363, PillarLat = 59.305782; // S1: graffiti goes to klotterfritt
    private const double RingvagenLon = 18.079002, RingvagenLat = 59.308402; // S11: litter where two street contracts overlap

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private async Task<JsonElement> DoAsync(string key, string query)
    {
        var (_, body) = await server.AskAsync(key, query);
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data");
    }

    private async Task<JsonElement> RefusedAsync(string key, string query, string code)
    {
        var (_, body) = await server.AskAsync(key, query);
        var error = body.GetProperty("errors")[0];
        error.GetProperty("extensions").GetProperty("code").GetString().ShouldBe(code, body.ToString());
        return error;
    }

    private async Task<(string Number, int Version, string? SuggestedTo)> CreateAsync(string handler, string category = "graffiti", double lon = PillarLon,
        double lat = PillarLat, string channel = "PHONE", string? email = null)
    {
        var made = (await DoAsync(handler, $$"""
            mutation { createCase(input: { category: "{{category}}", channel: {{channel}}, at: { x: {{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, y: {{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}} },
                       description: "From the desk", reporter: { firstName: "Anna", email: {{(email is null ? "null" : $"\"{email}\"")}}, consent: true } })
              { case { serviceRequestId version suggestedTo channel } } }
            """)).GetProperty("createCase").GetProperty("case");
        return (made.GetProperty("serviceRequestId").GetString()!, made.GetProperty("version").GetInt32(), made.GetProperty("suggestedTo").GetString());
    }

    private async Task<JsonElement> CaseAsync(string key, string number) =>
        (await DoAsync(key, $$"""{ case(id: "{{number}}") { status version assignee suggestedTo category resolution awaitingCitizen rejectedBy suggestion timeline { kind data } } }"""))
        .GetProperty("case");

    [Fact]
    public async Task A_forward_as_an_older_version_is_refused_with_the_case_as_it_is_now_and_sends_nothing()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, suggested) = await CreateAsync(handler);
        suggested.ShouldBe("klotterfritt");
        // Meanwhile a colleague moves the pin to Götgatan: the suggestion changes, and so does the version.
        await DoAsync(handler, $$"""mutation { moveCase(id: "{{number}}", at: { x: 18.076370, y: 59.309058 }) { version } }""");

        var refused = await RefusedAsync(handler,
            $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""", "STALE_CASE");
        var now = refused.GetProperty("extensions").TryGetProperty("data", out var d) ? d : throw new ShouldAssertException(refused.ToString());
        now.GetProperty("version").GetInt32().ShouldBe(version + 1);
        now.GetProperty("status").GetString().ShouldBe("received");
        now.GetProperty("suggestedTo").GetString().ShouldNotBe("klotterfritt");
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}'"))
            .ShouldBe(0);
        (await CaseAsync(handler, number)).GetProperty("status").GetString().ShouldBe("RECEIVED");
    }

    [Fact]
    public async Task Another_recipient_than_the_suggestion_needs_a_reason_which_the_timeline_keeps_with_the_note()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler);
        await RefusedAsync(handler,
            $$"""mutation { forwardCase(id: "{{number}}", recipient: "brounderhall-norden", expectedVersion: {{version}}) { status } }""", "REASON_REQUIRED");
        var forwarded = (await DoAsync(handler, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "brounderhall-norden", expectedVersion: {{version}},
                       reason: "The subcontractor is on strike", note: "Pillar 1, north face") { status assignee } }
            """)).GetProperty("forwardCase");
        forwarded.GetProperty("assignee").GetString().ShouldBe("brounderhall-norden");
        var forward = (await CaseAsync(handler, number)).GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "forwarded")
            .GetProperty("data");
        forward.GetProperty("reason").GetString().ShouldBe("The subcontractor is on strike");
        forward.GetProperty("note").GetString().ShouldBe("Pillar 1, north face");
        forward.GetProperty("suggested").GetString().ShouldBe("klotterfritt");
        await server.EventuallyAsync(() => Task.FromResult(server.Simulator.All.Any(r => r.Body.Contains(number, StringComparison.Ordinal)
            && r.Body.Contains("Pillar 1, north face", StringComparison.Ordinal))), "the recipient gets the note with the case");
    }

    [Fact]
    public async Task On_a_conflict_the_handler_chooses_a_candidate_with_a_reason()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, suggested) = await CreateAsync(handler, "litter", RingvagenLon, RingvagenLat);
        suggested.ShouldBe("trafikkontoret"); // the manager, who commissioned both contracts
        var suggestion = JsonDocument.Parse((await CaseAsync(handler, number)).GetProperty("suggestion").GetRawText()).RootElement;
        var candidates = suggestion.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()!).ToList();
        candidates.Count.ShouldBe(2, suggestion.ToString());
        await DoAsync(handler, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "{{candidates[0]}}", expectedVersion: {{version}}, reason: "North of the kerb: its area") { assignee } }
            """);
        (await CaseAsync(handler, number)).GetProperty("assignee").GetString().ShouldBe(candidates[0]);
    }

    [Fact]
    public async Task A_case_sent_back_goes_to_the_same_recipient_again_only_with_a_reason()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler);
        await DoAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""");
        var contractor = await server.KeyAsync("contractor", "klotterfritt");
        await DoAsync(contractor, $$"""mutation { rejectCase(id: "{{number}}", reason: "Painted steel is not ours") { status } }""");
        var back = await CaseAsync(handler, number);
        back.GetProperty("rejectedBy").EnumerateArray().Select(e => e.GetString()).ShouldBe(["klotterfritt"]);
        var shown = back.GetProperty("version").GetInt32();
        await RefusedAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{shown}}) { status } }""", "REASON_REQUIRED");
        await DoAsync(handler, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "brounderhall-norden", expectedVersion: {{shown}}, reason: "Steel is the bridge contractor's") { status } }
            """);
        (await CaseAsync(handler, number)).GetProperty("assignee").GetString().ShouldBe("brounderhall-norden");
    }

    [Fact]
    public async Task Changing_the_category_is_an_explicit_reroute_with_a_reason_and_a_new_explanation()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, suggested) = await CreateAsync(handler);
        suggested.ShouldBe("klotterfritt");
        await RefusedAsync(handler, $$"""mutation { rerouteCase(id: "{{number}}", expectedVersion: {{version}}, reason: " ", category: "damage") { status } }""",
            "REASON_REQUIRED");
        await RefusedAsync(handler, $$"""mutation { rerouteCase(id: "{{number}}", expectedVersion: {{version}}, reason: "x", category: "no-such-task") { status } }""",
            "UNKNOWN_SERVICE");
        var rerouted = (await DoAsync(handler, $$"""
            mutation { rerouteCase(id: "{{number}}", expectedVersion: {{version}}, reason: "The caller says the pillar is cracked", category: "damage") { category suggestedTo status version } }
            """)).GetProperty("rerouteCase");
        rerouted.GetProperty("category").GetString().ShouldBe("damage");
        rerouted.GetProperty("suggestedTo").GetString().ShouldBe("brounderhall-norden"); // S2: no subcontract for damage
        rerouted.GetProperty("status").GetString().ShouldBe("RECEIVED"); // nothing sent until the handler forwards
        var reroute = (await CaseAsync(handler, number)).GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "rerouted")
            .GetProperty("data");
        reroute.GetProperty("category").GetProperty("from").GetString().ShouldBe("graffiti");
        reroute.GetProperty("recipient").GetProperty("to").GetString().ShouldBe("brounderhall-norden");
        reroute.GetProperty("explanation").GetArrayLength().ShouldBeGreaterThan(0);
        reroute.GetProperty("lines").GetArrayLength().ShouldBe(reroute.GetProperty("explanation").GetArrayLength());
        // The desk says the new explanation in its own language, from the stored keys, not in the English it was stored with.
        var finnish = new DigitalTwin.Ui.Components.Cases.DeskContext(new DigitalTwin.Ui.Localization.Texts("fi"),
            new Dictionary<string, DigitalTwin.Ui.Backend.UiOrganisation>(), [], TimeZoneInfo.Utc);
        var (_, said) = DigitalTwin.Ui.Components.Cases.TimelineText.Describe(
            new DigitalTwin.Ui.Backend.UiCaseEvent(DateTimeOffset.UtcNow, "user:anna", "rerouted", reroute.GetRawText()), finnish);
        var english = reroute.GetProperty("explanation").EnumerateArray().Select(l => "· " + l.GetString()).ToList();
        said.Where(l => l.StartsWith("· ", StringComparison.Ordinal)).Count().ShouldBe(english.Count);
        said.ShouldContain(l => l.StartsWith("· Kohde: ", StringComparison.Ordinal));
        said.ShouldNotContain(l => english.Contains(l) && l.StartsWith("· Target", StringComparison.Ordinal));
        // The version moved on: a forward as shown before the reroute is refused.
        await RefusedAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""", "STALE_CASE");
    }

    [Fact]
    public async Task Closed_at_first_contact_counts_as_resolved_at_first_contact_and_can_be_reopened()
    {
        var handler = await server.KeyAsync("handler");
        var since = DateTimeOffset.UtcNow.AddSeconds(-5).ToString("O");
        var (number, version, _) = await CreateAsync(handler, "park-care", 18.074611, 59.307264);
        var closed = (await DoAsync(handler, $$"""
            mutation { closeCase(id: "{{number}}", resolution: PASSED_TO_STATE, answer: "The national road authority looks after this verge.", expectedVersion: {{version}}) { status resolution version } }
            """)).GetProperty("closeCase");
        closed.GetProperty("status").GetString().ShouldBe("CLOSED");
        closed.GetProperty("resolution").GetString().ShouldBe("PASSED_TO_STATE");
        var statistics = await DoAsync(handler, $$"""
            { caseStatistics(filter: { categories: ["park-care"], from: "{{since}}" }) { total { cases resolved forwarded firstContact answered firstContactRate } } }
            """);
        statistics.GetProperty("caseStatistics").GetProperty("total").ToString()
            .ShouldBe("""{"cases":1,"resolved":1,"forwarded":0,"firstContact":1,"answered":1,"firstContactRate":1}""");

        await RefusedAsync(handler, $$"""mutation { reopenCase(id: "{{number}}", reason: "", expectedVersion: {{closed.GetProperty("version").GetInt32()}}) { status } }""",
            "REASON_REQUIRED");
        var reopened = (await DoAsync(handler, $$"""
            mutation { reopenCase(id: "{{number}}", reason: "The citizen called: it is the city's verge after all", expectedVersion: {{closed.GetProperty("version").GetInt32()}}) { status resolution } }
            """)).GetProperty("reopenCase");
        reopened.GetProperty("status").GetString().ShouldBe("RECEIVED");
        reopened.GetProperty("resolution").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_duplicate_names_the_case_it_repeats()
    {
        var handler = await server.KeyAsync("handler");
        var (first, _, _) = await CreateAsync(handler);
        var (second, version, _) = await CreateAsync(handler);
        await RefusedAsync(handler, $$"""mutation { closeCase(id: "{{second}}", resolution: DUPLICATE, expectedVersion: {{version}}) { status } }""", "BAD_INPUT");
        await DoAsync(handler, $$"""mutation { closeCase(id: "{{second}}", resolution: DUPLICATE, duplicateOf: "{{first}}", expectedVersion: {{version}}) { status } }""");
        (await CaseAsync(handler, second)).GetProperty("timeline").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "closed")
            .GetProperty("data").GetProperty("duplicate_of").GetString().ShouldBe(first);
    }

    [Fact]
    public async Task Asking_the_citizen_marks_the_case_and_mails_the_question_and_a_forward_ends_the_wait()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler, email: "asked@example.org");
        var asked = (await DoAsync(handler, $$"""
            mutation { askCitizen(id: "{{number}}", question: "Which pillar: north or south of the water?", expectedVersion: {{version}}) { awaitingCitizen version } }
            """)).GetProperty("askCitizen");
        asked.GetProperty("awaitingCitizen").GetBoolean().ShouldBeTrue();
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<string>(
            $"SELECT o.state FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}' AND o.channel = 'citizen-email'") == "delivered",
            "the question is mailed to the citizen");
        using (var client = server.CreateClient())
        {
            (await client.GetStringAsync($"/open311/v2/requests/{number}.json")).ShouldContain("Which pillar");
        }
        await DoAsync(handler, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{asked.GetProperty("version").GetInt32()}}) { status } }
            """);
        (await CaseAsync(handler, number)).GetProperty("awaitingCitizen").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task A_failing_delivery_is_retried_on_demand_or_replaced_by_another_recipient_and_never_both()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler, "damage"); // S2: brounderhall-norden
        await server.Database.ScalarAsync<int>("UPDATE organisations SET webhook_url = 'http://127.0.0.1:9/gone' WHERE key = 'brounderhall-norden' RETURNING 1");
        try
        {
            await DoAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "brounderhall-norden", expectedVersion: {{version}}) { status } }""");
            // The first failure shows at once, with its reason and the next try.
            await server.EventuallyAsync(async () => await server.Database.ScalarAsync<int>(
                $"SELECT o.attempts FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}'") >= 1, "the first attempt fails");
            var inbox = (await Cases.InboxAsync(new InboxQuery { Limit = 500 }, null, CancellationToken.None)).Cases.Single(c => c.ServiceRequestId == number);
            inbox.DeliveryError.ShouldNotBeNullOrEmpty();
            inbox.DeliveryAttempts.ShouldBeGreaterThanOrEqualTo(1);

            var retried = (await DoAsync(handler, $$"""mutation { retryDeliveries(id: "{{number}}") { version } }""")).GetProperty("retryDeliveries");
            (await CaseAsync(handler, number)).GetProperty("timeline").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "delivery-retried").ShouldBeTrue();

            // Another recipient while it still fails: the failing delivery is cancelled, the new one delivered.
            var shown = (await CaseAsync(handler, number)).GetProperty("version").GetInt32();
            await RefusedAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "trafikkontoret", expectedVersion: {{shown}}) { status } }""",
                "REASON_REQUIRED");
            // The retry above may be sending right now: the failing delivery is then locked for its send, and the
            // forward is answered "busy, try again in 2 s" (never both sent). The handler tries again, as told.
            for (var attempt = 0; ; attempt++)
            {
                var (_, body) = await server.AskAsync(handler, $$"""
                    mutation { forwardCase(id: "{{number}}", recipient: "trafikkontoret", expectedVersion: {{shown}}, reason: "The contractor's system is down") { assignee } }
                    """);
                if (!body.TryGetProperty("errors", out var errors)) break;
                errors[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("DATABASE_UNAVAILABLE", body.ToString());
                attempt.ShouldBeLessThan(10, body.ToString());
                await Task.Delay(500);
            }
            await server.EventuallyAsync(async () => await server.Database.ScalarAsync<string>(
                $"SELECT string_agg(o.recipient || ':' || o.state, ',' ORDER BY o.id) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}'")
                == "brounderhall-norden:cancelled,trafikkontoret:delivered", "the first delivery is cancelled and the new one delivered");
            retried.GetProperty("version").GetInt32().ShouldBeGreaterThan(0);
        }
        finally
        {
            await server.Database.ScalarAsync<int>($"UPDATE organisations SET webhook_url = '{server.SimulatorAddress}webhooks/brounderhall-norden' WHERE key = 'brounderhall-norden' RETURNING 1");
        }
    }

    [Fact]
    public async Task A_delivered_forward_is_not_replaced()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler);
        await DoAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""");
        await server.EventuallyAsync(async () => await server.Database.ScalarAsync<string>(
            $"SELECT o.state FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = '{number}'") == "delivered", "the forward is delivered");
        var shown = (await CaseAsync(handler, number)).GetProperty("version").GetInt32();
        await RefusedAsync(handler, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "brounderhall-norden", expectedVersion: {{shown}}, reason: "Second thoughts") { status } }
            """, "ALREADY_DELIVERED");
    }

    [Fact]
    public async Task A_recipients_update_is_applied_with_the_record_of_its_id_so_a_retry_after_a_failure_is_not_lost()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler);
        await DoAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""");
        // The first time the status is written, the database fails (as a crash between the two writes would).
        await server.Database.ScalarAsync<int>($$"""
            CREATE SEQUENCE fail_once_{{number.Replace('-', '_')}};
            CREATE FUNCTION fail_once_{{number.Replace('-', '_')}}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.kind = 'status' AND nextval('fail_once_{{number.Replace('-', '_')}}') = 1 THEN RAISE EXCEPTION 'simulated crash'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_once_{{number.Replace('-', '_')}} BEFORE INSERT ON case_events FOR EACH ROW EXECUTE FUNCTION fail_once_{{number.Replace('-', '_')}}();
            SELECT 1;
            """);
        try
        {
            var contractor = await server.KeyAsync("contractor", "klotterfritt");
            FormUrlEncodedContent Update() => new(new Dictionary<string, string>
            {
                ["api_key"] = contractor, ["service_request_id"] = number, ["update_id"] = "crew-7", ["status"] = "IN_PROGRESS", ["description"] = "On our way",
            });
            using var client = server.CreateClient();
            using (var failed = await client.PostAsync("/open311/v2/servicerequestupdates.json", Update()))
                failed.IsSuccessStatusCode.ShouldBeFalse();
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_updates WHERE update_id = 'crew-7'")).ShouldBe(0);

            using (var retried = await client.PostAsync("/open311/v2/servicerequestupdates.json", Update()))
            {
                retried.StatusCode.ShouldBe(HttpStatusCode.OK);
                (await retried.Content.ReadAsStringAsync()).ShouldNotContain("Already received");
            }
            (await CaseAsync(handler, number)).GetProperty("status").GetString().ShouldBe("IN_PROGRESS");
            using (var again = await client.PostAsync("/open311/v2/servicerequestupdates.json", Update()))
                (await again.Content.ReadAsStringAsync()).ShouldContain("Already received");
        }
        finally
        {
            await server.Database.ScalarAsync<int>($"DROP TRIGGER fail_once_{number.Replace('-', '_')} ON case_events; SELECT 1");
        }
    }

    [Fact]
    public async Task A_contractors_status_through_graphql_with_an_update_id_is_applied_once()
    {
        var handler = await server.KeyAsync("handler");
        var (number, version, _) = await CreateAsync(handler);
        await DoAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""");
        var contractor = await server.KeyAsync("contractor", "klotterfritt");
        await DoAsync(contractor, $$"""mutation { setCaseStatus(id: "{{number}}", status: IN_PROGRESS, updateId: "gql-1") { status } }""");
        await DoAsync(contractor, $$"""mutation { setCaseStatus(id: "{{number}}", status: IN_PROGRESS, updateId: "gql-1") { status } }""");
        (await server.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.service_request_id = '{number}' AND e.kind = 'status'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_phone_call_is_a_case_like_any_other_with_its_channel_and_consent_and_in_open311s_list()
    {
        var handler = await server.KeyAsync("handler");
        var (number, _, suggested) = await CreateAsync(handler, channel: "PHONE", email: "caller@example.org");
        suggested.ShouldBe("klotterfritt");
        var made = (await DoAsync(handler, $$"""{ case(id: "{{number}}") { channel reporter { firstName email consent } } }""")).GetProperty("case");
        made.GetProperty("channel").GetString().ShouldBe("phone");
        made.GetProperty("reporter").GetProperty("consent").GetBoolean().ShouldBeTrue();
        using var client = server.CreateClient();
        var list = await client.GetStringAsync($"/open311/v2/requests.json?service_request_id={number}");
        list.ShouldContain(number);
        list.ShouldNotContain("caller@example.org");
        // The same intake rules as Open311: an address the sender could not read is refused.
        await RefusedAsync(handler, """
            mutation { createCase(input: { category: "graffiti", channel: PHONE, at: { x: 18.076363, y: 59.305782 }, reporter: { email: "a@b@c" } }) { created } }
            """, "BAD_EMAIL");
    }

    [Fact]
    public async Task Finding_cases_by_the_reporters_contact_is_for_handlers_and_audited()
    {
        var handler = await server.KeyAsync("handler");
        var (number, _, _) = await CreateAsync(handler, email: "Found.Me@Example.org");
        var found = (await DoAsync(handler, """{ cases(filter: { reporter: "found.me@example.org" }) { serviceRequestId } }""")).GetProperty("cases");
        found.EnumerateArray().Select(c => c.GetProperty("serviceRequestId").GetString()).ShouldBe([number]);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'searched-personal-data' AND detail ->> 'reporter' = 'found.me@example.org'"))
            .ShouldBe(1);
        var contractor = await server.KeyAsync("contractor", "klotterfritt");
        await RefusedAsync(contractor, """{ cases(filter: { reporter: "found.me@example.org" }) { serviceRequestId } }""", "FORBIDDEN");
    }
}

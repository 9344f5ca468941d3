using System.Text.Json;

namespace DigitalTwin.Server.Tests.Reports;

/// <summary>
/// The milestones reports count from are kept by every path that changes a case: the handler's forward (with the due
/// time from the response time of the contract the routing named), the recipient's rejection, a forward to another
/// recipient, and done. Driven through GraphQL as a handler and a contractor do it.
/// </summary>
public sealed class CaseMilestoneTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private Task<string> KeyAsync(string role, string? organisation = null) => server.KeyAsync(role, organisation);

    private async Task<JsonElement> DoAsync(string key, string query)
    {
        var (_, body) = await server.AskAsync(key, query);
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data");
    }

    /// <summary>Forwards as a handler's page does: to the recipient shown, as the version shown (read first).</summary>
    private async Task ForwardAsync(string key, string number, string? recipient = null, string? reason = null)
    {
        var shown = (await DoAsync(key, $$"""{ case(id: "{{number}}") { suggestedTo version } }""")).GetProperty("case");
        var to = recipient ?? shown.GetProperty("suggestedTo").GetString();
        await DoAsync(key, $$"""
            mutation { forwardCase(id: "{{number}}", recipient: "{{to}}", expectedVersion: {{shown.GetProperty("version").GetInt32()}}{{(reason is null ? "" : $", reason: \"{reason}\"")}}) { status } }
            """);
    }

    /// <summary>status, assignee, forwards, forwarded?, assigned at or after the first forward?, seconds due, done?, rejected by.</summary>
    private Task<string> MilestonesAsync(string number) => server.Database.ScalarAsync<string>("""
        SELECT concat_ws(' ', status, coalesce(assignee, '-'), forwards, forwarded_at IS NOT NULL, coalesce((assigned_at >= forwarded_at)::text, '-'),
                         coalesce(extract(epoch FROM due_at - assigned_at)::bigint::text, 'no-due'), done_at IS NOT NULL, coalesce(rejected_by::text, 'none'))
        FROM cases WHERE service_request_id = $1
        """, number);

    [Fact]
    public async Task Forward_rejection_forward_again_and_done_each_set_their_milestone()
    {
        var handler = await KeyAsync("handler");
        var created = await DoAsync(handler, """
            mutation { createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, objectId: "sthlm-assets:TK-BRO-0417-S1" }) { case { serviceRequestId } } }
            """);
        var number = created.GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        (await MilestonesAsync(number)).ShouldBe("received - 0 f - no-due f none");

        // To the suggested graffiti subcontractor, whose subcontract gives it 24 h.
        await ForwardAsync(handler, number);
        (await MilestonesAsync(number)).ShouldBe("forwarded klotterfritt 1 t true 86400 f none");

        var contractor = await KeyAsync("contractor", "klotterfritt");
        await DoAsync(contractor, $$"""mutation { rejectCase(id: "{{number}}", reason: "Painted steel, not ours") { status } }""");
        // Sent back: it owes that recipient nothing more.
        (await MilestonesAsync(number)).ShouldBe("rejected - 1 t true no-due f {klotterfritt}");

        // To the bridge contractor itself: the contract (TK-BRO-2025) gives graffiti 24 h as well. A forward to an
        // organisation the routing did not name has no response time.
        await ForwardAsync(handler, number, "brounderhall-norden", "The subcontractor sent it back");
        (await MilestonesAsync(number)).ShouldBe("forwarded brounderhall-norden 2 t true 86400 f {klotterfritt}");

        await DoAsync(handler, $$"""mutation { setCaseStatus(id: "{{number}}", status: DONE, note: "Cleaned") { status } }""");
        (await MilestonesAsync(number)).ShouldBe("done brounderhall-norden 2 t true 86400 t {klotterfritt}");

        var statistics = await DoAsync(handler, $$"""
            { caseStatistics(filter: { categories: ["graffiti"], from: "{{DateTimeOffset.UtcNow.AddHours(-1):O}}" }) { total { cases resolved forwarded firstContact withDeadline late rejections } } }
            """);
        statistics.GetProperty("caseStatistics").GetProperty("total").ToString()
            .ShouldBe("""{"cases":1,"resolved":1,"forwarded":1,"firstContact":0,"withDeadline":1,"late":0,"rejections":1}""");
    }

    [Fact]
    public async Task A_subcontractor_without_its_own_time_for_the_task_owes_its_contracts_and_a_case_taken_up_again_is_not_done()
    {
        // The graffiti subcontract keeps a time for litter only: for graffiti its contract's time holds (TK-BRO-2025: 24 h).
        await server.Database.ScalarAsync<int>("""
            UPDATE map_objects SET response_times = '{"litter": 3600}' WHERE layer = 'sthlm-subcontracts' AND source_id = 'UE-TK-BRO-2025-1' RETURNING 1
            """);
        try
        {
            var handler = await KeyAsync("handler");
            var created = await DoAsync(handler, """
                mutation { createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, objectId: "sthlm-assets:TK-BRO-0417-S1" }) { case { serviceRequestId } } }
                """);
            var number = created.GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
            await ForwardAsync(handler, number);
            (await MilestonesAsync(number)).ShouldBe("forwarded klotterfritt 1 t true 86400 f none");

            await DoAsync(handler, $$"""mutation { setCaseStatus(id: "{{number}}", status: DONE) { status } }""");
            (await MilestonesAsync(number)).ShouldBe("done klotterfritt 1 t true 86400 t none");
            // Not done after all: taken up again, and no longer counted as done (nor as a second forward).
            await DoAsync(handler, $$"""mutation { setCaseStatus(id: "{{number}}", status: IN_PROGRESS) { status } }""");
            (await MilestonesAsync(number)).ShouldBe("in_progress klotterfritt 1 t true 86400 f none");
            await DoAsync(handler, $$"""mutation { setCaseStatus(id: "{{number}}", status: FORWARDED) { status } }""");
            (await MilestonesAsync(number)).ShouldBe("forwarded klotterfritt 1 t true 86400 f none");
        }
        finally
        {
            await server.Database.ScalarAsync<int>("""
                UPDATE map_objects SET response_times = '{"graffiti": 86400}' WHERE layer = 'sthlm-subcontracts' AND source_id = 'UE-TK-BRO-2025-1' RETURNING 1
                """);
        }
    }

    [Fact]
    public async Task A_forward_to_a_recipient_the_routing_did_not_name_has_no_due_time()
    {
        var handler = await KeyAsync("handler");
        var created = await DoAsync(handler, """
            mutation { createCase(input: { category: "litter", at: { x: 18.076363, y: 59.305782 } }) { case { serviceRequestId } } }
            """);
        var number = created.GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        await ForwardAsync(handler, number, "trafikkontoret", "The traffic office takes litter on bridges");
        (await MilestonesAsync(number)).ShouldBe("forwarded trafikkontoret 1 t true no-due f none");
    }
}

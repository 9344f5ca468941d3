using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Open311;

/// <summary>
/// GET servicerequestupdates: the status changes of cases in a window of time, as FixMyStreet's Open311 client polls
/// them (its fixtures' shape: service_requests_updates/request_update with update_id, service_request_id, status,
/// description, updated_datetime), with nothing personal in them.
/// </summary>
public sealed class ServiceRequestUpdatesListTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    [Fact]
    public async Task A_contractors_progress_and_fix_are_listed_in_order_with_their_notes_and_nothing_personal()
    {
        var cases = server.Services.GetRequiredService<CaseStore>();
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var made = await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags", null, null, "private.person@example.org", "Private", null, null,
            "en", "open311", null), new Actor("key:test"), CancellationToken.None);
        await cases.ForwardAsync(made.Id, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);
        var crew = new Actor("key:crew", Organisation: "klotterfritt");
        await cases.ApplyRecipientUpdateAsync(made.Id, "klotterfritt", "u-1", CaseStatus.InProgress, "Crew on the way", crew, CancellationToken.None);
        await cases.ApplyRecipientUpdateAsync(made.Id, "klotterfritt", "u-2", CaseStatus.Done, "Removed", crew, CancellationToken.None);

        using var client = server.CreateClient();
        var window = $"start_date={Uri.EscapeDataString(since.ToString("O"))}&service_request_id={made.ServiceRequestId}";
        var json = await client.GetStringAsync($"/open311/v2/servicerequestupdates.json?{window}");
        var updates = JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();
        updates.Select(u => (u.GetProperty("status").GetString(), u.GetProperty("description").GetString()))
            .ShouldBe([("IN_PROGRESS", "Crew on the way"), ("FIXED", "Removed")]);
        updates.ShouldAllBe(u => u.GetProperty("service_request_id").GetString() == made.ServiceRequestId);
        long.Parse(updates[1].GetProperty("update_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(long.Parse(updates[0].GetProperty("update_id").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        json.ShouldNotContain("private.person@example.org");
        json.ShouldNotContain("Private");

        var xml = XDocument.Parse(await client.GetStringAsync($"/open311/v2/servicerequestupdates.xml?{window}"));
        xml.Root!.Name.LocalName.ShouldBe("service_requests_updates");
        xml.Root.Elements("request_update").Select(u => u.Element("status")!.Value).ShouldBe(["IN_PROGRESS", "FIXED"]);
        xml.Root.Element("request_update")!.Elements().Select(e => e.Name.LocalName)
            .ShouldBe(["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url", "external_status_code"]);
    }

    [Theory]
    [InlineData("start_date=2026-01-01T00:00:00Z&end_date=2026-12-01T00:00:00Z", "at most 90 days apart")]
    [InlineData("start_date=2026-12-01T00:00:00Z&end_date=2026-11-01T00:00:00Z", "after end_date")]
    [InlineData("start_date=yesterday", "W3C date-time")]
    public async Task A_window_that_makes_no_sense_is_refused_with_the_specifications_error(string query, string said)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync($"/open311/v2/servicerequestupdates.json?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        error.GetProperty("description").GetString()!.ShouldContain(said);
    }

    [Fact]
    public async Task A_date_the_contractor_promises_is_kept_shown_to_the_handler_and_in_open311_and_a_bad_one_is_refused()
    {
        var cases = server.Services.GetRequiredService<CaseStore>();
        var made = await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags", null, null, null, null, null, null,
            "en", "open311", null), new Actor("key:test"), CancellationToken.None);
        await cases.ForwardAsync(made.Id, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);
        var contractor = await server.KeyAsync("contractor", "klotterfritt");
        using var client = server.CreateClient();
        FormUrlEncodedContent Update(string id, string promised) => new(new Dictionary<string, string>
        {
            ["api_key"] = contractor, ["service_request_id"] = made.ServiceRequestId, ["update_id"] = id, ["status"] = "ACTION_SCHEDULED",
            ["expected_datetime"] = promised,
        });

        using (var refused = await client.PostAsync("/open311/v2/servicerequestupdates.json", Update("p-0", "next tuesday")))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await refused.Content.ReadAsStringAsync()).ShouldContain("expected_datetime");
        }
        (await cases.FindAsync(made.ServiceRequestId, CancellationToken.None))!.Status.ShouldBe(CaseStatus.Forwarded); // nothing applied

        using (var accepted = await client.PostAsync("/open311/v2/servicerequestupdates.json", Update("p-1", "2026-12-09T15:00:00+01:00")))
            accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        var promised = DateTimeOffset.Parse("2026-12-09T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        (await cases.DeskCaseAsync(made.Id, CancellationToken.None))!.PromisedAt.ShouldBe(promised);
        var request = JsonDocument.Parse(await client.GetStringAsync($"/open311/v2/requests/{made.ServiceRequestId}.json")).RootElement[0];
        DateTimeOffset.Parse(request.GetProperty("expected_datetime").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(promised);
    }
}

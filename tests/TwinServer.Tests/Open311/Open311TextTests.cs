using System.Net;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Tests.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Open311;

/// <summary>
/// Text that cannot be stored or written out again (a NUL, another control character) is refused at the door, in
/// every field and parameter of every Open311 route, as a 400 with the specification's error body and the code
/// BAD_TEXT, never a 500; GraphQL's case mutations meet the same rule in the case store. And text an older version
/// stored anyway never breaks a feed: requests.xml and requests.json stay well-formed.
/// </summary>
public sealed class Open311TextTests(Open311City server) : IClassFixture<Open311City>
{
    private const string PillarLat = "59.305782", PillarLon = "18.076363";

    public static TheoryData<string> Reads => new()
    {
        "/open311/v2/requests.json?service_code=%00",
        "/open311/v2/requests.xml?service_code=graffiti%00",
        "/open311/v2/requests.json?status=open%01",
        "/open311/v2/requests.json?service_request_id=2026-000001,%00",
        "/open311/v2/requests.json?start_date=2026-01-01T00:00:00Z%00",
        "/open311/v2/requests.json?service_object_id=sthlm-assets:%00",
        "/open311/v2/requests.json?bbox=18.07,59.30,18.08,59.31%1B",
        "/open311/v2/requests.json?extensions=true%00",
        "/open311/v2/requests.json?%00=1",
        "/open311/v2/requests.xml?jurisdiction_id=%7F",
        "/open311/v2/requests/2026-000001%01.xml?extensions=true",
        "/open311/v2/services.json?locale=%00",
        "/open311/v2/services/graffiti%08.xml",
        "/open311/v2/discovery.json?x=%00",
        "/open311/v2/discovery.xml?%C2%85=1",
    };

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task A_control_character_in_any_query_parameter_or_path_is_bad_text_not_a_server_error(string pathAndQuery)
    {
        using var http = Http();
        using var response = await http.GetAsync(pathAndQuery);
        await RefusedAsync(response, pathAndQuery.Contains(".xml", StringComparison.Ordinal) ? "xml" : "json");
    }

    public static TheoryData<string, string> PostedFields => new()
    {
        { "service_code", "graffiti\0" }, { "lat", "59.3\0" }, { "long", "\u000118.07" }, { "description", "Tags\u0001 on the pillar" },
        { "address_string", "Ringvägen\u001b 1" }, { "email", "anna\0@example.org" }, { "first_name", "An\u0007na" }, { "last_name", "\0" },
        { "phone", "+46\u00850" }, { "media_url", "https://example.org/\u0000.jpg" }, { "locale", "sv\0" }, { "device_id", "d\u0002" },
        { "account_id", "a\u007f" }, { "client_request_id", "c\0" }, { "service_object_id", "sthlm-assets:TK-BRO-0417\0" },
        { "service_object_type", "\0" }, { "attribute[note]", "\u0003" }, { "jurisdiction_id", "\0" }, { "\0", "name" },
    };

    [Theory]
    [InlineData("/open311/v2/requests/%00.json")]
    [InlineData("/open311/v2/services/%00.xml")]
    public async Task A_nul_in_the_path_is_refused_by_the_web_server_before_any_route(string path)
    {
        // Kestrel will not decode %00 in a request's path: it answers 400 itself, before Open311 (or anything of ours)
        // sees the request, so there is no Open311 body to give; other control characters reach the route (above).
        using var http = Http();
        using var response = await http.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Theory]
    [MemberData(nameof(PostedFields))]
    public async Task A_control_character_in_any_field_of_a_posted_request_is_bad_text_and_makes_no_case(string field, string value)
    {
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        var form = new Dictionary<string, string> { ["api_key"] = await KeyAsync("citizen-app"), ["service_code"] = "graffiti", ["lat"] = PillarLat, ["long"] = PillarLon };
        form[field] = value;
        foreach (var format in new[] { "json", "xml" })
        {
            using var http = Http();
            using var response = await http.PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(form));
            await RefusedAsync(response, format);
        }
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Theory]
    [InlineData("service_request_id", "2026-\0")]
    [InlineData("update_id", "u-\0")]
    [InlineData("status", "FIXED\0")]
    [InlineData("description", "Removed\u0001")]
    [InlineData("external_status_code", "\u0002")]
    [InlineData("updated_datetime", "2026-11-24T10:00:00Z\0")]
    public async Task A_control_character_in_any_field_of_a_status_update_is_bad_text_and_changes_nothing(string field, string value)
    {
        var id = await ReportAsync();
        var cases = server.Services.GetRequiredService<CaseStore>();
        var found = (await cases.FindAsync(id, CancellationToken.None))!;
        await cases.ForwardAsync(found.Id, new ForwardRequest("klotterfritt"), new Actor("handler:test"), CancellationToken.None);
        var form = new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync("contractor", "klotterfritt"), ["service_request_id"] = id, ["update_id"] = $"{id}-1", ["status"] = "FIXED", ["description"] = "Removed",
        };
        form[field] = value;
        using var http = Http();
        using var response = await http.PostAsync("/open311/v2/servicerequestupdates.json", new FormUrlEncodedContent(form));
        await RefusedAsync(response, "json");
        // (The outbox may add its delivery attempts meanwhile: nothing of the contractor's may appear.)
        (await cases.TimelineAsync(found.Id, CancellationToken.None)).ShouldNotContain(e => e.Kind == "status" || e.Kind == "rejected");
        (await cases.GetAsync(found.Id, CancellationToken.None))!.Status.ShouldBe(CaseStatus.Forwarded);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_updates WHERE case_id = $1", found.Id)).ShouldBe(0);
    }

    [Fact]
    public async Task A_control_character_an_older_version_stored_leaves_requests_xml_and_json_well_formed()
    {
        var id = await ReportAsync();
        // As an older version could have stored them (PostgreSQL holds every one of these; only NUL it cannot).
        await server.Database.ScalarAsync<int>("""
            UPDATE cases SET description = 'Tags' || chr(1) || ' on the pillar' || chr(65534), address = 'Ringvägen' || chr(27) || ' 1',
                             status_notes = 'Note' || chr(127) || chr(133) || ' here'
            WHERE service_request_id = $1
            """, id);
        using var http = Http();
        foreach (var path in new[] { "/open311/v2/requests.xml", $"/open311/v2/requests/{id}.xml", $"/open311/v2/requests.xml?service_request_id={id}&extensions=true" })
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            // XmlReader's defaults check every character against XML 1.0.
            using var reader = XmlReader.Create(new StringReader(body), new XmlReaderSettings { CheckCharacters = true });
            var request = XDocument.Load(reader).Root!.Elements("request").Single(r => r.Element("service_request_id")!.Value == id);
            request.Element("description")!.Value.ShouldBe("Tags\uFFFD on the pillar\uFFFD");
            request.Element("address")!.Value.ShouldBe("Ringvägen\uFFFD 1");
            request.Element("status_notes")!.Value.ShouldBe("Note\uFFFD\uFFFD here");
        }
        foreach (var path in new[] { "/open311/v2/requests.json", $"/open311/v2/requests/{id}.json" })
        {
            using var response = await http.GetAsync(path);
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            var request = JsonDocument.Parse(body).RootElement.EnumerateArray().Single(r => r.GetProperty("service_request_id").GetString() == id);
            request.GetProperty("description").GetString().ShouldBe("Tags\uFFFD on the pillar\uFFFD");
            TextRules.IsClean(body).ShouldBeTrue();
        }
    }

    [Fact]
    public async Task GraphQL_refuses_unwritable_text_in_a_new_case_its_changes_and_its_filter_with_bad_text()
    {
        var handler = await server.KeyAsync("handler");
        async Task<string?> CodeAsync(string query, object variables)
        {
            var (_, body) = await server.AskAsync(handler, query, variables);
            return body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("extensions").GetProperty("code").GetString() : null;
        }
        const string Create = """
            mutation ($d: String, $n: String) {
              createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, description: $d, reporter: { firstName: $n } }) { case { id } }
            }
            """;
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        (await CodeAsync(Create, new { d = "Tags\u0001", n = "Anna" })).ShouldBe(TextRules.BadTextCode);
        (await CodeAsync(Create, new { d = "Tags", n = "An\0na" })).ShouldBe(TextRules.BadTextCode);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);

        var id = await ReportAsync();
        (await CodeAsync("mutation ($id: ID!, $t: String!) { replyToCitizen(id: $id, text: $t) { id } }", new { id, t = "Thanks\0" })).ShouldBe(TextRules.BadTextCode);
        (await CodeAsync("mutation ($id: ID!, $t: String!) { askCitizen(id: $id, question: $t) { id } }", new { id, t = "Which side\u001b?" })).ShouldBe(TextRules.BadTextCode);
        (await CodeAsync("query ($t: String) { cases(filter: { text: $t }) { id } }", new { t = "\0" })).ShouldBe(TextRules.BadTextCode);
        (await CodeAsync("query ($id: ID!) { case(id: $id) { id } }", new { id = "2026-\0" })).ShouldBe(TextRules.BadTextCode);
    }

    [Fact]
    public async Task The_case_store_refuses_unwritable_text_from_any_channel_and_finds_no_case_by_it()
    {
        // GraphQL and Open311 refuse such text at their doors; the store holds the same rule for every other caller (the map).
        var cases = server.Services.GetRequiredService<CaseStore>();
        (await Should.ThrowAsync<TwinException>(() => cases.CreateAsync(
                new NewCase("graffiti", 18.076363, 59.305782, "Tags\u0001", null, null, null, null, null, null, "en", "phone", null), new Actor("test"), CancellationToken.None)))
            .Code.ShouldBe(TextRules.BadTextCode);
        (await Should.ThrowAsync<TwinException>(() => cases.CreateAsync(
                new NewCase("graffiti", 18.076363, 59.305782, "Tags", "Ringvägen\0 1", null, null, null, null, null, "en", "phone", null), new Actor("test"), CancellationToken.None)))
            .Code.ShouldBe(TextRules.BadTextCode);
        (await Should.ThrowAsync<TwinException>(() => cases.ListAsync(new CaseFilter { Text = "\0" }, CancellationToken.None))).Code.ShouldBe(TextRules.BadTextCode);
        (await cases.FindAsync("2026-\0", CancellationToken.None)).ShouldBeNull();
    }

    /// <summary>400, the specification's error body in the asked format, with the code BAD_TEXT and a description that names the field.</summary>
    private static async Task RefusedAsync(HttpResponseMessage response, string format)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
        TextRules.IsClean(body).ShouldBeTrue();
        if (format == "xml")
        {
            var error = XDocument.Parse(body).Root!.Element("error")!;
            error.Element("code")!.Value.ShouldBe(TextRules.BadTextCode);
            error.Element("description")!.Value.ShouldContain(" control characters");
        }
        else
        {
            var error = JsonDocument.Parse(body).RootElement[0];
            error.GetProperty("code").GetString().ShouldBe(TextRules.BadTextCode);
            error.GetProperty("description").GetString()!.ShouldContain(" control characters");
        }
    }

    private HttpClient Http() => new() { BaseAddress = server.BaseAddress };

    private Task<string> KeyAsync(string role, string? organisation = null) =>
        server.Services.GetRequiredService<ApiKeys>().CreateAsync($"text-{role}-{Guid.NewGuid():N}", role, organisation, null, CancellationToken.None);

    private async Task<string> ReportAsync()
    {
        using var http = Http();
        using var response = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = await KeyAsync("citizen-app"), ["service_code"] = "graffiti", ["lat"] = PillarLat, ["long"] = PillarLon, ["description"] = "Tags",
        }));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
    }
}

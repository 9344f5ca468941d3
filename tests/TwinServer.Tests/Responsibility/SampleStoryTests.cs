using System.Text.Json;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>
/// Every story of data/sample/README.md ("Stories: what to click or ask"), asked through /graphql in the district's
/// own CRS, must give the chain and the recipient the table gives by the rules of product contract section 3.
/// </summary>
public sealed class SampleStoryTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Query = """
        query ($at: PointInput, $objectId: ID, $task: String!, $on: DateOnly) {
          responsibility(at: $at, objectId: $objectId, taskType: $task, on: $on) {
            target { id } landOwner { key } owner { key } manager { key } managerSource
            contract { sourceId } subcontract { sourceId } recipientKey recipientRole fallback conflict
            candidates { sourceId } explanation stack { id kind distance }
          }
        }
        """;

    [Theory]
    // story, x, y, crs, task, date, target, land owner, owner, manager, contract, subcontract, recipient, conflict
    [InlineData("S1", 154350, 6576735, 3011, "graffiti", "2026-11-24", "sthlm-assets:TK-BRO-0417-S1", "exploateringskontoret", "trafikkontoret", "trafikkontoret", "TK-BRO-2025", "UE-TK-BRO-2025-1", "klotterfritt", false)]
    [InlineData("S2", 154350, 6576735, 3011, "damage", "2026-11-24", "sthlm-assets:TK-BRO-0417-S1", "exploateringskontoret", "trafikkontoret", "trafikkontoret", "TK-BRO-2025", null, "brounderhall-norden", false)]
    [InlineData("S3", 154377, 6577110, 3011, "damage", "2026-11-24", "sthlm-buildings:B3103", "exploateringskontoret", "soderbostader", "soderbostader", "SB-FS-2024", null, "fastighetsservice-malardalen", false)]
    [InlineData("S4", 154323, 6577110, 3011, "damage", "2026-11-24", "sthlm-buildings:B3102", "brf-tullvakten-2", "brf-tullvakten-2", "brf-tullvakten-2", null, null, "brf-tullvakten-2", false)]
    [InlineData("S5", 154350, 6577100, 3011, "pothole", "2026-11-24", "sthlm-assets:TK-GATA-1001", "exploateringskontoret", "trafikkontoret", "trafikkontoret", "TK-DO-SN-2025", null, "gatudrift-soder", false)]
    [InlineData("S6", 154350, 6577100, 3011, "street-lighting", "2026-11-24", "sthlm-assets:TK-GATA-1001", "exploateringskontoret", "trafikkontoret", "trafikkontoret", "TK-DO-SN-2025", "UE-TK-DO-SN-2025-1", "ljusteknik-sthlm", false)]
    [InlineData("S7", 154350, 6577100, 3011, "winter-maintenance", "2026-11-24", "sthlm-assets:TK-GATA-1001", "exploateringskontoret", "trafikkontoret", "trafikkontoret", null, null, "trafikkontoret", false)]
    [InlineData("S8", 154250, 6576900, 3011, "park-care", "2023-06-15", "sthlm-assets:SDF-PARK-0210", "exploateringskontoret", "stadsdelsforvaltning-sodermalm", "stadsdelsforvaltning-sodermalm", "SDF-PS-2019", null, "gronyta-entreprenad", false)]
    [InlineData("S9", 154250, 6576900, 3011, "park-care", "2026-11-24", "sthlm-assets:SDF-PARK-0210", "exploateringskontoret", "stadsdelsforvaltning-sodermalm", "stadsdelsforvaltning-sodermalm", "SDF-PS-2025", null, "parkservice-soder", false)]
    [InlineData("S10", 154250, 6576900, 3011, "park-care", "2027-06-15", "sthlm-assets:SDF-PARK-0210", "exploateringskontoret", "stadsdelsforvaltning-sodermalm", "stadsdelsforvaltning-sodermalm", "SDF-PS-2027", null, "stadstradgard-norden", false)]
    [InlineData("S11", 154500, 6577027, 3011, "litter", "2026-11-24", "sthlm-assets:TK-GATA-1003", "exploateringskontoret", "trafikkontoret", "trafikkontoret", null, null, "trafikkontoret", true)]
    [InlineData("S12", 154450, 6576785, 3011, "litter", "2026-11-24", "sthlm-parcels:Södermalm 5:2", "exploateringskontoret", "exploateringskontoret", "stadsdelsforvaltning-sodermalm", "SDF-PS-2025", null, "parkservice-soder", false)]
    [InlineData("S13", 154500, 6576720, 3011, "litter", "2026-11-24", "sthlm-parcels:Södermalm 7:1", "exploateringskontoret", "exploateringskontoret", "exploateringskontoret", null, null, "exploateringskontoret", false)]
    [InlineData("S14", 154350, 6577700, 3011, "litter", "2026-11-24", null, null, null, null, null, null, "kontaktcenter", false)]
    [InlineData("H1", 25496400, 6673660, 3879, "graffiti", "2026-11-24", "hki-assets:HKI-PUISTO-0310", "kaupunkiymparisto", "kaupunkiymparisto", "kaupunkiymparisto", "KYMP-AU-2024-KK", "KYMP-AU-2024-KK-A1", "tohryton", false)]
    [InlineData("H2", 25496300, 6673720, 3879, "graffiti", "2026-11-24", "hki-assets:HKI-KATU-0101", "kaupunkiymparisto", "kaupunkiymparisto", "kaupunkiymparisto", "KYMP-AU-2024-KK", null, "katuhuolto-etela", false)]
    [InlineData("H3", 25496300, 6673720, 3879, "street-lighting", "2026-11-24", "hki-assets:HKI-KATU-0101", "kaupunkiymparisto", "kaupunkiymparisto", "kaupunkiymparisto", "KYMP-AU-2024-KK", "KYMP-AU-2024-KK-A2", "kaupunkivalo", false)]
    [InlineData("H4", 25496300, 6673720, 3879, "graffiti", "2023-06-15", "hki-assets:HKI-KATU-0101", "kaupunkiymparisto", "kaupunkiymparisto", "kaupunkiymparisto", "KYMP-AU-2019-KK", null, "alueurakointi-helsinki", false)]
    [InlineData("H5", 25496243, 6673710, 3879, "litter", "2026-11-24", "hki-parcels:091-013-0009-0002", "valtion-toimitilat", "valtion-toimitilat", "valtion-toimitilat", null, null, "valtion-toimitilat", false)]
    [InlineData("H6", 25496240, 6673520, 3879, "damage", "2026-11-24", "hki-buildings:103215433B", "kaupunkiymparisto", "koy-mannerheimintie-22", "koy-mannerheimintie-22", null, null, "koy-mannerheimintie-22", false)]
    public async Task Each_story_resolves_as_the_sample_says(
        string story, double x, double y, int srid, string task, string on, string? target, string? landOwner, string? owner,
        string? manager, string? contract, string? subcontract, string recipient, bool conflict)
    {
        var answer = await AskAsync(new { at = new { x, y, crs = $"EPSG:{srid}" }, task, on });
        var because = $"{story}:\n{string.Join("\n", answer.GetProperty("explanation").EnumerateArray().Select(l => l.GetString()))}";
        Key(answer, "target", "id").ShouldBe(target, because);
        Key(answer, "landOwner", "key").ShouldBe(landOwner, because);
        Key(answer, "owner", "key").ShouldBe(owner, because);
        Key(answer, "manager", "key").ShouldBe(manager, because);
        Key(answer, "contract", "sourceId").ShouldBe(contract, because);
        Key(answer, "subcontract", "sourceId").ShouldBe(subcontract, because);
        answer.GetProperty("recipientKey").GetString().ShouldBe(recipient, because);
        answer.GetProperty("conflict").GetBoolean().ShouldBe(conflict, because);
    }

    [Fact]
    public async Task The_pillar_answers_the_same_from_wgs84_and_by_object_id()
    {
        var byPoint = await AskAsync(new { at = new { x = 18.076363, y = 59.305782 }, task = "graffiti", on = "2026-11-24" });
        Key(byPoint, "target", "id").ShouldBe("sthlm-assets:TK-BRO-0417-S1");
        byPoint.GetProperty("recipientKey").GetString().ShouldBe("klotterfritt");
        byPoint.GetProperty("recipientRole").GetString().ShouldBe("SUBCONTRACTOR");
        byPoint.GetProperty("fallback").GetBoolean().ShouldBeFalse();
        // The stack: the pillar, then the bridge deck around it, ..., the parcel last.
        var stack = byPoint.GetProperty("stack").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        stack[0].ShouldBe("sthlm-assets:TK-BRO-0417-S1");
        stack[1].ShouldBe("sthlm-assets:TK-BRO-0417");
        stack[^1].ShouldBe("sthlm-parcels:Södermalm 7:1");

        var byObject = await AskAsync(new { objectId = "sthlm-assets:TK-BRO-0417-S1", task = "graffiti", on = "2026-11-24" });
        Key(byObject, "contract", "sourceId").ShouldBe("TK-BRO-2025");
        byObject.GetProperty("recipientKey").GetString().ShouldBe("klotterfritt");
    }

    [Fact]
    public async Task An_object_clicked_at_a_point_is_the_target_and_the_stack_is_the_points()
    {
        // The handler clicks through the pillar to the bridge deck around it (product contract 3.2: the clicked object).
        var answer = await AskAsync(new { at = new { x = 154350, y = 6576735, crs = "EPSG:3011" }, objectId = "sthlm-assets:TK-BRO-0417", task = "graffiti", on = "2026-11-24" });
        Key(answer, "target", "id").ShouldBe("sthlm-assets:TK-BRO-0417");
        var stack = answer.GetProperty("stack").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ToList();
        stack[0].ShouldBe("sthlm-assets:TK-BRO-0417-S1"); // the point's stack, pillar first
        answer.GetProperty("stack")[0].GetProperty("distance").GetDouble().ShouldBe(0);
        Key(answer, "contract", "sourceId").ShouldBe("TK-BRO-2025");
    }

    [Fact]
    public async Task A_point_in_EPSG_3879_and_the_same_point_in_WGS84_give_the_same_answer()
    {
        var native = await AskAsync(new { at = new { x = 25496400, y = 6673660, crs = "EPSG:3879" }, task = "graffiti", on = "2026-11-24" });
        var wgs84 = await AskAsync(new { at = new { x = 24.935139, y = 60.175790 }, task = "graffiti", on = "2026-11-24" });
        foreach (var field in new[] { "target", "contract", "subcontract" })
        {
            wgs84.GetProperty(field).ToString().ShouldBe(native.GetProperty(field).ToString());
        }
        wgs84.GetProperty("recipientKey").GetString().ShouldBe("tohryton");
    }

    [Fact]
    public async Task The_explanation_says_which_contracts_ended_or_have_not_started()
    {
        var answer = await AskAsync(new { at = new { x = 154250, y = 6576900, crs = "EPSG:3011" }, task = "park-care", on = "2026-11-24" });
        var lines = answer.GetProperty("explanation").EnumerateArray().Select(l => l.GetString()!).ToList();
        lines.ShouldContain(l => l.Contains("SDF-PS-2019") && l.Contains("ended on 2024-12-31"));
        lines.ShouldContain(l => l.Contains("SDF-PS-2027") && l.Contains("starts on 2027-01-01"));
        lines.ShouldContain(l => l.StartsWith("Recipient: parkservice-soder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_conflict_lists_the_competing_contracts_and_goes_to_the_manager()
    {
        var answer = await AskAsync(new { at = new { x = 154500, y = 6577027, crs = "EPSG:3011" }, task = "litter", on = "2026-11-24" });
        answer.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).Order()
            .ShouldBe(["TK-DO-SN-2025", "TK-DO-SS-2025"]);
        answer.GetProperty("recipientRole").GetString().ShouldBe("MANAGER");
    }

    [Theory]
    [InlineData("""{ "at": { "x": 18.07, "y": 59.3 }, "task": "sweeping" }""", "UNKNOWN_TASK_TYPE")]
    [InlineData("""{ "at": { "x": 154350, "y": 6576735 }, "task": "graffiti" }""", "BAD_POINT")]
    [InlineData("""{ "at": { "x": 18.07, "y": 59.3, "crs": "EPSG:999999" }, "task": "graffiti" }""", "BAD_CRS")]
    [InlineData("""{ "at": { "x": 18.07, "y": 59.3, "crs": "Gauss-Krüger" }, "task": "graffiti" }""", "BAD_CRS")]
    [InlineData("""{ "objectId": "sthlm-assets:NOPE", "task": "graffiti" }""", "UNKNOWN_OBJECT")]
    [InlineData("""{ "task": "graffiti" }""", "BAD_REQUEST")]
    public async Task A_question_that_cannot_be_answered_gets_an_error_code(string variables, string code)
    {
        var (status, body) = await server.GraphQLAsync(Query, JsonDocument.Parse(variables).RootElement);
        status.ShouldBe(200);
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe(code);
        body.GetProperty("errors")[0].GetProperty("path")[0].GetString().ShouldBe("responsibility");
    }

    private async Task<JsonElement> AskAsync(object variables)
    {
        var (status, body) = await server.GraphQLAsync(Query, variables);
        status.ShouldBe(200, body.ToString());
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data").GetProperty("responsibility");
    }

    private static string? Key(JsonElement answer, string field, string key) =>
        answer.GetProperty(field).ValueKind == JsonValueKind.Null ? null : answer.GetProperty(field).GetProperty(key).GetString();
}

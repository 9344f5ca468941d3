using System.Text.Json;
using Npgsql;

namespace DigitalTwin.Server.Tests.Reports;

/// <summary>
/// <c>caseStatistics</c> on a known case history in the sample city, every number worked out by hand below: counts by
/// category, recipient (with rejections), district, object and month (in two time zones), handling-time percentiles,
/// overdue and late cases, resolution at first contact, filters, a contractor's own view, and bad requests.
/// </summary>
public sealed class CaseStatisticsTests(SampleCityServer server) : IClassFixture<SampleCityServer>, IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan H = TimeSpan.FromHours(1);
    private const double PillarLon = 18.076363, PillarLat = 59.305782; // Skanstullsbron, brostöd 1: Södermalm district
    private const string Pillar = "sthlm-assets:TK-BRO-0417-S1";

    /// <summary>One case of the history: its milestones as offsets from when it came in.</summary>
    private sealed record Known(string Number, string Category, double Lon, double Lat, string Status, string? Assignee, DateTimeOffset Created,
        TimeSpan? Forwarded = null, TimeSpan? Assigned = null, TimeSpan? Done = null, TimeSpan? Due = null, int Forwards = 0,
        string[]? RejectedBy = null, string? ObjectId = null);

    private static readonly Known[] History =
    [
        // Graffiti on the pillar, to its subcontractor: done in 10 h (due 24 h), done late in 30 h, and one in progress long past due.
        new("K-G1", "graffiti", PillarLon, PillarLat, "done", "klotterfritt", T0, Forwarded: 1 * H, Done: 10 * H, Due: 24 * H, Forwards: 1, ObjectId: Pillar),
        new("K-G2", "graffiti", PillarLon, PillarLat, "closed", "klotterfritt", T0.AddDays(1), Forwarded: 2 * H, Done: 30 * H, Due: 24 * H, Forwards: 1, ObjectId: Pillar),
        new("K-G3", "graffiti", PillarLon, PillarLat, "in_progress", "klotterfritt", T0.AddDays(2), Forwarded: 4 * H, Due: 24 * H, Forwards: 1, ObjectId: Pillar),
        // Litter sent first to the street contractor, who sent it back; now with the bridge contractor (forwarded 25 h later).
        new("K-L1", "litter", PillarLon, PillarLat, "forwarded", "brounderhall-norden", T0.AddDays(3), Forwarded: 1 * H, Assigned: 26 * H,
            Forwards: 2, RejectedBy: ["gatudrift-soder"]),
        new("K-L2", "litter", PillarLon, PillarLat, "received", null, T0.AddDays(4)),
        // A pothole in Helsinki that came in at 01:30 on 1 February, Helsinki time (still 31 January in UTC); done late.
        new("K-P1", "pothole", 24.933337, 60.175849, "done", "katuhuolto-etela", new DateTimeOffset(2026, 1, 31, 23, 30, 0, TimeSpan.Zero),
            Forwarded: 0.5 * H, Done: 48 * H, Due: 24 * H, Forwards: 1),
        // Damage far from both districts, not routed yet.
        new("K-X1", "damage", 10.0, 52.0, "received", null, T0.AddDays(5)),
    ];

    public async Task InitializeAsync()
    {
        if (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE service_request_id LIKE 'K-%'") > 0) return;
        await using var connection = await server.Database.DataSource.OpenConnectionAsync();
        foreach (var k in History) await InsertAsync(connection, k);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task InsertAsync(NpgsqlConnection connection, Known k)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO cases (service_request_id, category, lon, lat, geom, channel, status, assignee, object_id, created_at, updated_at,
                               forwarded_at, assigned_at, done_at, due_at, forwards, rejected_by)
            VALUES ($1, $2, $3, $4, ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), 3035), 'other', $5, $6, $7, $8, $8,
                    $8 + $9, $8 + $10, $8 + $11, $8 + $12, $13, $14)
            """, connection);
        var assigned = k.Assigned ?? k.Forwarded;
        insert.Parameters.AddWithValue(k.Number);
        insert.Parameters.AddWithValue(k.Category);
        insert.Parameters.AddWithValue(k.Lon);
        insert.Parameters.AddWithValue(k.Lat);
        insert.Parameters.AddWithValue(k.Status);
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)k.Assignee ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)k.ObjectId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.AddWithValue(k.Created);
        foreach (var offset in new[] { k.Forwarded, assigned, assigned + k.Done, assigned + k.Due })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)offset ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Interval });
        }
        insert.Parameters.AddWithValue((short)k.Forwards);
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)k.RejectedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync();
    }

    private const string Counts = "cases open resolved forwarded firstContact firstContactRate withDeadline overdue late rejections toForward { medianHours p90Hours } toDone { medianHours p90Hours }";

    /// <summary>Only the known history (its numbers begin with K-): other tests of the fixture add cases of their own.</summary>
    private static readonly object KnownPeriod = new { from = "2026-01-01T00:00:00Z", until = "2026-04-01T00:00:00Z" };

    private async Task<JsonElement> StatisticsAsync(string arguments, object? filter = null, string? key = null)
    {
        var query = $$"""query($filter: CaseStatisticsFilter) { caseStatistics(filter: $filter {{arguments}}) { total { {{Counts}} } truncated groups { category recipient status areaId areaName objectId objectName objectType period counts { {{Counts}} } } } }""";
        var (status, body) = await server.AskAsync(key ?? await server.IntegrationKeyAsync(), query, new { filter = filter ?? KnownPeriod });
        status.ShouldBe(200, body.ToString());
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data").GetProperty("caseStatistics");
    }

    private static JsonElement Group(JsonElement statistics, string field, string? value) =>
        statistics.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty(field).ValueKind == JsonValueKind.Null ? value is null : g.GetProperty(field).GetString() == value)
            .GetProperty("counts");

    private static void ShouldHave(JsonElement counts, long cases, long open, long resolved, long forwarded, long firstContact, long withDeadline,
        long overdue, long late, long rejections)
    {
        counts.GetProperty("cases").GetInt64().ShouldBe(cases, counts.ToString());
        counts.GetProperty("open").GetInt64().ShouldBe(open, counts.ToString());
        counts.GetProperty("resolved").GetInt64().ShouldBe(resolved, counts.ToString());
        counts.GetProperty("forwarded").GetInt64().ShouldBe(forwarded, counts.ToString());
        counts.GetProperty("firstContact").GetInt64().ShouldBe(firstContact, counts.ToString());
        counts.GetProperty("withDeadline").GetInt64().ShouldBe(withDeadline, counts.ToString());
        counts.GetProperty("overdue").GetInt64().ShouldBe(overdue, counts.ToString());
        counts.GetProperty("late").GetInt64().ShouldBe(late, counts.ToString());
        counts.GetProperty("rejections").GetInt64().ShouldBe(rejections, counts.ToString());
    }

    private static void ShouldTake(JsonElement counts, string which, double? median, double? p90)
    {
        var time = counts.GetProperty(which);
        Hours(time.GetProperty("medianHours")).ShouldBe(median, $"{which}: {time}");
        Hours(time.GetProperty("p90Hours")).ShouldBe(p90, $"{which}: {time}");
    }

    private static double? Hours(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : Math.Round(value.GetDouble(), 3);

    [Fact]
    public async Task By_category_the_counts_and_handling_times_are_those_worked_out_by_hand()
    {
        var statistics = await StatisticsAsync(", groupBy: [CATEGORY]");
        ShouldHave(statistics.GetProperty("total"), cases: 7, open: 4, resolved: 3, forwarded: 5, firstContact: 4, withDeadline: 4, overdue: 1, late: 2, rejections: 1);
        statistics.GetProperty("total").GetProperty("firstContactRate").GetDouble().ShouldBe(0.8);

        var graffiti = Group(statistics, "category", "graffiti");
        ShouldHave(graffiti, cases: 3, open: 1, resolved: 2, forwarded: 3, firstContact: 3, withDeadline: 3, overdue: 1, late: 1, rejections: 0);
        // To forward: 1, 2 and 4 h: the median is 2 h; the 90th percentile lies 0.8 of the way from 2 to 4 h.
        ShouldTake(graffiti, "toForward", 2, 3.6);
        // To done: 10 and 30 h (the third is not done): 20 h, and 10 + 0.9 × 20 = 28 h.
        ShouldTake(graffiti, "toDone", 20, 28);

        var litter = Group(statistics, "category", "litter");
        ShouldHave(litter, cases: 2, open: 2, resolved: 0, forwarded: 1, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 1);
        ShouldTake(litter, "toForward", 1, 1);
        ShouldTake(litter, "toDone", null, null);

        ShouldTake(Group(statistics, "category", "pothole"), "toDone", 48, 48);
        ShouldHave(Group(statistics, "category", "damage"), cases: 1, open: 1, resolved: 0, forwarded: 0, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 0);
        // The biggest group first.
        statistics.GetProperty("groups")[0].GetProperty("category").GetString().ShouldBe("graffiti");
        statistics.GetProperty("groups").GetArrayLength().ShouldBe(4);
    }

    [Fact]
    public async Task By_recipient_a_rejection_counts_for_the_recipient_that_sent_the_case_back()
    {
        var statistics = await StatisticsAsync(", groupBy: [RECIPIENT]");
        ShouldHave(Group(statistics, "recipient", "klotterfritt"), cases: 3, open: 1, resolved: 2, forwarded: 3, firstContact: 3, withDeadline: 3, overdue: 1, late: 1, rejections: 0);
        ShouldHave(Group(statistics, "recipient", "brounderhall-norden"), cases: 1, open: 1, resolved: 0, forwarded: 1, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 0);
        ShouldHave(Group(statistics, "recipient", "gatudrift-soder"), cases: 0, open: 0, resolved: 0, forwarded: 0, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 1);
        ShouldHave(Group(statistics, "recipient", null), cases: 2, open: 2, resolved: 0, forwarded: 0, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 0);
        // The recipient's own time is counted from the forward that stuck: K-L1 is not done, so brounderhall-norden has none.
        ShouldTake(Group(statistics, "recipient", "brounderhall-norden"), "toForward", 1, 1);

        // By status, a rejection counts as rejected, whatever became of its case since (K-L1 is forwarded again).
        var byStatus = await StatisticsAsync(", groupBy: [STATUS]");
        ShouldHave(Group(byStatus, "status", "REJECTED"), cases: 0, open: 0, resolved: 0, forwarded: 0, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 1);
        Group(byStatus, "status", "FORWARDED").GetProperty("rejections").GetInt64().ShouldBe(0);

        // Asking about one recipient: its cases and the rejections it made.
        var street = await StatisticsAsync("", new { from = "2026-01-01T00:00:00Z", until = "2026-04-01T00:00:00Z", recipients = new[] { "gatudrift-soder" } });
        ShouldHave(street.GetProperty("total"), cases: 0, open: 0, resolved: 0, forwarded: 0, firstContact: 0, withDeadline: 0, overdue: 0, late: 0, rejections: 1);
    }

    [Fact]
    public async Task By_district_cases_are_placed_in_the_district_areas_of_every_area_layer()
    {
        var statistics = await StatisticsAsync(", groupBy: [DISTRICT]");
        var groups = statistics.GetProperty("groups").EnumerateArray().ToList();
        var sodermalm = groups.Single(g => g.GetProperty("areaId").GetString() == "sthlm-areas:SDO-SODERMALM");
        sodermalm.GetProperty("areaName").GetString().ShouldBe("Södermalms stadsdelsområde (del)");
        sodermalm.GetProperty("counts").GetProperty("cases").GetInt64().ShouldBe(5);
        Group(statistics, "areaId", "hki-areas:ETU-TOOLO").GetProperty("cases").GetInt64().ShouldBe(1);
        Group(statistics, "areaId", null).GetProperty("cases").GetInt64().ShouldBe(1);
        groups.Count.ShouldBe(3);

        // Any area layer: its management areas (one case can lie in two that overlap; K-X1 lies in none).
        var areas = await StatisticsAsync(", groupBy: [AREA], areaLayer: \"sthlm-areas\"");
        Group(areas, "areaId", "sthlm-areas:SDO-SODERMALM").GetProperty("cases").GetInt64().ShouldBe(5);
        Group(areas, "areaId", null).GetProperty("cases").GetInt64().ShouldBe(2);

        // A filter by one area counts only the cases inside it.
        var inside = await StatisticsAsync("", new { from = "2026-01-01T00:00:00Z", until = "2026-04-01T00:00:00Z", area = "sthlm-areas:SDO-SODERMALM" });
        inside.GetProperty("total").GetProperty("cases").GetInt64().ShouldBe(5);
    }

    [Fact]
    public async Task A_case_that_moves_is_counted_in_its_new_district()
    {
        await using (var connection = await server.Database.DataSource.OpenConnectionAsync())
        {
            await InsertAsync(connection, new Known("M-1", "winter-maintenance", PillarLon, PillarLat, "received", null, T0.AddYears(-1)));
        }
        var filter = new { from = "2025-01-01T00:00:00Z", until = "2025-12-31T00:00:00Z", categories = new[] { "winter-maintenance" } };
        Group(await StatisticsAsync(", groupBy: [DISTRICT]", filter), "areaId", "sthlm-areas:SDO-SODERMALM").GetProperty("cases").GetInt64().ShouldBe(1);

        // Placed once; a move (the handler drags the pin) places it again at once.
        await server.Database.ScalarAsync<int>("""
            UPDATE cases SET lon = 24.933337, lat = 60.175849, geom = ST_Transform(ST_SetSRID(ST_MakePoint(24.933337, 60.175849), 4326), 3035)
            WHERE service_request_id = 'M-1' RETURNING 1
            """);
        var moved = await StatisticsAsync(", groupBy: [DISTRICT]", filter);
        moved.GetProperty("groups").GetArrayLength().ShouldBe(1);
        Group(moved, "areaId", "hki-areas:ETU-TOOLO").GetProperty("cases").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task By_month_the_period_begins_at_midnight_in_the_reports_time_zone()
    {
        var helsinki = await StatisticsAsync(", groupBy: [MONTH], timeZone: \"Europe/Helsinki\"");
        var periods = helsinki.GetProperty("groups").EnumerateArray().Select(g => (g.GetProperty("period").GetString(), g.GetProperty("counts").GetProperty("cases").GetInt64())).ToList();
        periods.ShouldBe([("2026-02-01", 1L), ("2026-03-01", 6L)]); // in time order

        var utc = await StatisticsAsync(", groupBy: [MONTH], timeZone: \"UTC\"");
        utc.GetProperty("groups")[0].GetProperty("period").GetString().ShouldBe("2026-01-01");

        var days = await StatisticsAsync(", groupBy: [CATEGORY, WEEK], timeZone: \"Europe/Stockholm\"");
        // The week of Monday 2 March holds the five Stockholm cases and K-X1; graffiti that week is three of them.
        days.GetProperty("groups").EnumerateArray()
            .Single(g => g.GetProperty("period").GetString() == "2026-03-02" && g.GetProperty("category").GetString() == "graffiti")
            .GetProperty("counts").GetProperty("cases").GetInt64().ShouldBe(3);
    }

    [Fact]
    public async Task A_period_given_in_local_time_is_the_same_moments_in_utc()
    {
        // 1 February 00:00 in Helsinki is 31 January 22:00 UTC: K-P1 (23:30 UTC) is inside, from either way of writing it.
        var local = await StatisticsAsync("", new { from = "2026-02-01T00:00:00+02:00", until = "2026-02-02T00:00:00+02:00" });
        local.GetProperty("total").GetProperty("cases").GetInt64().ShouldBe(1);
        var utc = await StatisticsAsync("", new { from = "2026-01-31T22:00:00Z", until = "2026-02-01T22:00:00Z" });
        utc.GetProperty("total").GetProperty("cases").GetInt64().ShouldBe(1);
    }

    [Fact]
    public async Task The_objects_with_the_most_reports_come_first_with_their_names()
    {
        var statistics = await StatisticsAsync(", groupBy: [OBJECT], first: 1");
        var top = statistics.GetProperty("groups").EnumerateArray().Single();
        top.GetProperty("objectId").GetString().ShouldBe(Pillar);
        top.GetProperty("objectName").GetString().ShouldBe("Skanstullsbron, brostöd 1");
        top.GetProperty("objectType").GetString().ShouldBe("bridge-pillar");
        top.GetProperty("counts").GetProperty("cases").GetInt64().ShouldBe(3);
        statistics.GetProperty("truncated").GetBoolean().ShouldBeTrue(); // the cases about no object are another group
    }

    [Fact]
    public async Task A_contractor_counts_only_its_own_cases_whatever_it_asks_for()
    {
        var key = await server.KeyAsync("contractor", "klotterfritt");
        var own = await StatisticsAsync(", groupBy: [RECIPIENT]", new { from = "2026-01-01T00:00:00Z", until = "2026-04-01T00:00:00Z", recipients = new[] { "klotterfritt", "gatudrift-soder" } }, key);
        ShouldHave(own.GetProperty("total"), cases: 3, open: 1, resolved: 2, forwarded: 3, firstContact: 3, withDeadline: 3, overdue: 1, late: 1, rejections: 0);
        own.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("recipient").GetString()).ShouldBe(["klotterfritt"]);

        var citizenApp = await server.KeyAsync("citizen-app");
        var (_, refused) = await server.AskAsync(citizenApp, "{ caseStatistics { total { cases } } }", null);
        refused.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("FORBIDDEN");
    }

    [Theory]
    [InlineData("groupBy: [DAY, MONTH]", "BAD_GROUPING")]
    [InlineData("groupBy: [AREA]", "BAD_GROUPING")]
    [InlineData("groupBy: [AREA], areaLayer: \"sthlm-contracts\"", "BAD_GROUPING")]
    [InlineData("groupBy: [AREA], areaLayer: \"no-such-layer\"", "UNKNOWN_LAYER")]
    [InlineData("timeZone: \"Mars/Olympus_Mons\"", "BAD_TIME_ZONE")]
    [InlineData("timeZone: \"W. Europe Standard Time\"", "BAD_TIME_ZONE")]
    [InlineData("filter: { area: \"sthlm-areas:NO-SUCH-AREA\" }", "BAD_AREA")]
    [InlineData("first: 0", "BAD_PAGE_SIZE")]
    [InlineData("filter: { from: \"2026-03-01T00:00:00Z\", until: \"2026-02-01T00:00:00Z\" }", "BAD_PERIOD")]
    [InlineData("filter: { within: \"{\\\"type\\\":\\\"Blob\\\",\\\"coordinates\\\":[1,2]}\" }", "BAD_AREA")]
    [InlineData("filter: { area: \"no-colon\" }", "BAD_AREA")]
    public async Task A_bad_request_is_refused_with_a_code_that_names_the_problem(string arguments, string code)
    {
        var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(), $$"""{ caseStatistics({{arguments}}) { total { cases } } }""", null);
        status.ShouldBe(200, body.ToString());
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe(code, body.ToString());
    }

    [Fact]
    public async Task The_density_grid_holds_every_case_once_in_cells_of_the_asked_size()
    {
        var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(),
            "query($filter: CaseStatisticsFilter) { caseDensity(filter: $filter, cellMetres: 500) { cellMetres cases cells { lon lat cases } } }", new { filter = KnownPeriod });
        status.ShouldBe(200, body.ToString());
        var density = body.GetProperty("data").GetProperty("caseDensity");
        density.GetProperty("cases").GetInt64().ShouldBe(7);
        var cells = density.GetProperty("cells").EnumerateArray().ToList();
        cells.Sum(c => c.GetProperty("cases").GetInt64()).ShouldBe(7);
        // Five at the pillar share a cell, whose centre is within half a diagonal (354 m) of it; the fullest comes first.
        cells[0].GetProperty("cases").GetInt64().ShouldBe(5);
        Math.Abs(cells[0].GetProperty("lon").GetDouble() - PillarLon).ShouldBeLessThan(0.007);
        Math.Abs(cells[0].GetProperty("lat").GetDouble() - PillarLat).ShouldBeLessThan(0.004);
        cells.Count.ShouldBe(3);
    }
}

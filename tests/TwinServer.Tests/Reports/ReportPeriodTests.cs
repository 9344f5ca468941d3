using System.Globalization;
using System.Text.Json;
using DigitalTwin.Server.Reports;
using Npgsql;

namespace DigitalTwin.Server.Tests.Reports;

/// <summary>
/// Reports by day, week and month count each period on its own, between the period's first and last moment in the
/// report's time zone. Held here to the plain answer, every case's time truncated in that zone and grouped, on a history
/// whose cases crowd around midnights, month ends and clock changes: in zones that change their clocks at 02:00
/// (Stockholm), at midnight itself (Havana, Santiago: a local midnight that does not exist, or comes twice), at a
/// quarter hour (Chatham) or never (UTC, Kathmandu's +05:45), with and without a report period that cuts a period.
/// </summary>
public sealed class ReportPeriodTests(SampleCityServer server) : IClassFixture<SampleCityServer>, IAsyncLifetime
{
    private const double Lon = 18.076363, Lat = 59.305782;

    /// <summary>Moments around which cases crowd: clock changes of the zones below, month ends, a week's end.</summary>
    private static readonly DateTimeOffset[] Edges =
    [
        new(2025, 10, 26, 1, 0, 0, TimeSpan.Zero), // Stockholm back to winter time
        new(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), // Stockholm to summer time
        new(2025, 11, 2, 5, 0, 0, TimeSpan.Zero), // Havana: 01:00 back to 00:00
        new(2026, 3, 8, 5, 0, 0, TimeSpan.Zero), // Havana: 00:00 on to 01:00
        new(2025, 9, 7, 4, 0, 0, TimeSpan.Zero), // Santiago: 24:00 on to 01:00
        new(2026, 4, 5, 3, 0, 0, TimeSpan.Zero), // Santiago: 24:00 back to 23:00
        new(2025, 9, 27, 14, 0, 0, TimeSpan.Zero), // Chatham to summer time (02:45)
        new(2026, 4, 4, 14, 0, 0, TimeSpan.Zero), // Chatham to winter time (03:45)
        new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
        new(2026, 2, 28, 23, 0, 0, TimeSpan.Zero),
        new(2026, 1, 4, 23, 0, 0, TimeSpan.Zero),
    ];

    public async Task InitializeAsync()
    {
        if (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE service_request_id LIKE 'P-%'") > 0) return;
        var random = new Random(17);
        var from = new DateTimeOffset(2025, 8, 20, 0, 0, 0, TimeSpan.Zero);
        var moments = new List<DateTimeOffset>();
        for (var i = 0; i < 400; i++) moments.Add(from.AddMinutes(random.Next(0, 240 * 24 * 60)));
        foreach (var edge in Edges)
            for (var i = 0; i < 30; i++) moments.Add(edge.AddMinutes(random.Next(-26 * 60, 26 * 60)));
        await using var connection = await server.Database.DataSource.OpenConnectionAsync();
        var n = 0;
        foreach (var created in moments)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO cases (service_request_id, category, lon, lat, geom, channel, status, created_at, updated_at, assigned_at, done_at)
                VALUES ($1, $2, $3, $4, ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4326), 3035), 'other', $5, $6, $6, $7, $8)
                """, connection);
            var done = random.Next(3) == 0 ? (DateTimeOffset?)null : created.AddHours(1 + random.Next(200));
            insert.Parameters.AddWithValue($"P-{n++}");
            insert.Parameters.AddWithValue(random.Next(2) == 0 ? "graffiti" : "litter");
            insert.Parameters.AddWithValue(Lon + random.NextDouble() / 1000);
            insert.Parameters.AddWithValue(Lat + random.NextDouble() / 1000);
            insert.Parameters.AddWithValue(done is null ? "received" : "done");
            insert.Parameters.AddWithValue(created);
            insert.Parameters.Add(new NpgsqlParameter { Value = done is null ? DBNull.Value : created.AddMinutes(30), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter { Value = (object?)done ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string> Periods()
    {
        var data = new TheoryData<string, string>();
        foreach (var period in new[] { "DAY", "WEEK", "MONTH" })
            foreach (var zone in new[] { "UTC", "Europe/Stockholm", "America/Havana", "America/Santiago", "Pacific/Chatham", "Asia/Kathmandu" })
                data.Add(period, zone);
        return data;
    }

    [Theory]
    [MemberData(nameof(Periods))]
    public async Task Each_period_holds_the_cases_whose_time_in_the_zone_falls_in_it(string period, string zone)
    {
        // The whole history; a report period that begins and ends inside a day, a week and a month (its first and last
        // periods hold only part of their cases); one that is only a few hours long.
        (string From, string Until)?[] periods =
        [
            null,
            ("2025-10-25T21:17:00Z", "2026-03-29T00:43:00Z"),
            ("2026-03-08T02:00:00Z", "2026-03-08T09:00:00Z"),
        ];
        foreach (var between in periods)
        {
            var filter = between is (var from, var until) ? new { from, until } : null;
            var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(),
                $$"""query($filter: CaseStatisticsFilter) { caseStatistics(filter: $filter, groupBy: [{{period}}], timeZone: "{{zone}}", first: 1000) { truncated groups { period counts { cases resolved toDone { medianHours p90Hours } } } } }""",
                new { filter });
            status.ShouldBe(200, body.ToString());
            body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
            var served = body.GetProperty("data").GetProperty("caseStatistics").GetProperty("groups").EnumerateArray()
                .Select(g => Row(g.GetProperty("period").GetString()!, g.GetProperty("counts"))).ToList();

            var expected = await ByHandAsync(period.ToLowerInvariant(), zone, between);
            served.ShouldBe(expected, $"{period} in {zone}, filter {JsonSerializer.Serialize(filter)}");
            served.Count.ShouldBeGreaterThan(0);
        }
    }

    [Fact]
    public async Task By_month_and_category_the_groups_add_up_to_the_months()
    {
        async Task<List<(string Period, string? Category, long Cases)>> AskAsync(string groupBy)
        {
            var (status, body) = await server.AskAsync(await server.IntegrationKeyAsync(),
                $$"""{ caseStatistics(groupBy: [{{groupBy}}], timeZone: "America/Havana", first: 1000) { groups { period category counts { cases } } } }""");
            status.ShouldBe(200, body.ToString());
            return [.. body.GetProperty("data").GetProperty("caseStatistics").GetProperty("groups").EnumerateArray()
                .Select(g => (g.GetProperty("period").GetString()!, g.GetProperty("category").ValueKind == JsonValueKind.Null ? null : g.GetProperty("category").GetString(),
                    g.GetProperty("counts").GetProperty("cases").GetInt64()))];
        }

        var months = await AskAsync("MONTH");
        var byCategory = await AskAsync("CATEGORY, MONTH");
        byCategory.Select(g => g.Period).ShouldBe(byCategory.Select(g => g.Period).Order(StringComparer.Ordinal), "in time order");
        byCategory.GroupBy(g => g.Period).Select(p => (p.Key, p.Sum(g => g.Cases))).ShouldBe(months.Select(m => (m.Period, m.Cases)));
    }

    [Fact]
    public async Task The_handling_time_percentiles_are_postgresqls_percentile_cont_to_the_last_bit()
    {
        // Worked out on our side from each group's times (Percentiles): held to PostgreSQL's own on the same numbers,
        // few and many, equal and spread, whole seconds and fractions.
        var random = new Random(3);
        double[][] samples =
        [
            [42], [1, 2], [5, 5, 5], [0.1, 0.2, 0.30000000000000004],
            [.. Enumerable.Range(0, 1001).Select(_ => Math.Round(random.NextDouble() * 86_400))],
            [.. Enumerable.Range(0, 4_999).Select(_ => random.NextDouble() * 1e7 / 3)],
            [.. Enumerable.Range(0, 20).Select(i => i * 1e-9 + 1e9)],
        ];
        foreach (var sample in samples)
        {
            await using var command = server.Database.DataSource.CreateCommand(
                "SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY v) FROM unnest($1::float8[]) v");
            command.Parameters.AddWithValue(sample);
            var theirs = (double[])(await command.ExecuteScalarAsync())!;
            var sorted = sample.Order().ToArray();
            BitConverter.DoubleToInt64Bits(Percentiles.Continuous(sorted, 0.5)!.Value).ShouldBe(BitConverter.DoubleToInt64Bits(theirs[0]), $"median of {sample.Length}");
            BitConverter.DoubleToInt64Bits(Percentiles.Continuous(sorted, 0.9)!.Value).ShouldBe(BitConverter.DoubleToInt64Bits(theirs[1]), $"p90 of {sample.Length}");
        }
        Percentiles.Continuous([], 0.5).ShouldBeNull();
    }

    private static string Row(string period, JsonElement counts)
    {
        var done = counts.GetProperty("toDone");
        string Hours(JsonElement v) => v.ValueKind == JsonValueKind.Null ? "-" : Math.Round(v.GetDouble(), 4).ToString(CultureInfo.InvariantCulture);
        return $"{period} cases {counts.GetProperty("cases").GetInt64()} resolved {counts.GetProperty("resolved").GetInt64()} done {Hours(done.GetProperty("medianHours"))}/{Hours(done.GetProperty("p90Hours"))}";
    }

    private async Task<List<string>> ByHandAsync(string field, string zone, (string From, string Until)? between)
    {
        var (from, until) = (between?.From, between?.Until);
        await using var command = server.Database.DataSource.CreateCommand("""
            SELECT to_char(date_trunc($1, created_at, $2) AT TIME ZONE $2, 'YYYY-MM-DD'), count(*), count(*) FILTER (WHERE status IN ('done', 'closed')),
                   percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY done_seconds / 3600) FILTER (WHERE done_seconds IS NOT NULL)
            FROM cases
            WHERE ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)
            GROUP BY 1 ORDER BY 1
            """);
        command.Parameters.AddWithValue(field);
        command.Parameters.AddWithValue(zone);
        command.Parameters.Add(new NpgsqlParameter { Value = from is null ? DBNull.Value : DateTimeOffset.Parse(from, CultureInfo.InvariantCulture).ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = until is null ? DBNull.Value : DateTimeOffset.Parse(until, CultureInfo.InvariantCulture).ToUniversalTime(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var times = reader.IsDBNull(3) ? null : reader.GetFieldValue<double[]>(3);
            string Hours(int i) => times is null ? "-" : Math.Round(times[i], 4).ToString(CultureInfo.InvariantCulture);
            rows.Add($"{reader.GetString(0)} cases {reader.GetInt64(1)} resolved {reader.GetInt64(2)} done {Hours(0)}/{Hours(1)}");
        }
        return rows;
    }
}

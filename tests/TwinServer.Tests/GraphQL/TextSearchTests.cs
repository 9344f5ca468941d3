using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>
/// Every text search looks for what was typed: %, _ and \ are letters like any other, never LIKE's wildcards. The
/// sample city has none of them in its names; each test adds a few rows that do, and expects exactly those back.
/// </summary>
public sealed class TextSearchTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Theory]
    [InlineData("%", "test-percent")]
    [InlineData("_", "test_underscore")]
    [InlineData("\\", "test-backslash")]
    [InlineData("50%", "test-percent")]
    public async Task Organisations_search_finds_wildcard_characters_as_themselves(string search, string expected)
    {
        await server.Database.ScalarAsync<int>("""
            INSERT INTO organisations (key, kind, name_fi, name_sv, name_en) VALUES
              ('test-percent', 'other', NULL, NULL, '50% off graffiti'),
              ('test_underscore', 'other', NULL, NULL, 'Under score'),
              ('test-backslash', 'other', NULL, 'Snedstreck \ AB', NULL)
            ON CONFLICT DO NOTHING
            """);
        var data = await server.DataAsync("query ($s: String) { organisations(search: $s) { key } }", new { s = search });
        data.GetProperty("organisations").EnumerateArray().Select(o => o.GetProperty("key").GetString()).ShouldBe([expected]);
    }

    [Theory]
    [InlineData("%", new[] { "search-marks:P1" })]
    [InlineData("_", new[] { "search-marks:U_1" })]
    [InlineData("\\", new[] { "search-marks:B1" })]
    [InlineData("u_1", new[] { "search-marks:U_1" })]
    public async Task Map_object_search_finds_wildcard_characters_as_themselves(string text, string[] expected)
    {
        await LoadMarksAsync();
        var data = await server.DataAsync("query ($t: String) { mapObjects(filter: { text: $t }, first: 50) { totalCount edges { node { id } } } }", new { t = text });
        var page = data.GetProperty("mapObjects");
        page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()).ShouldBe(expected);
        page.GetProperty("totalCount").GetInt64().ShouldBe(expected.Length);
    }

    [Theory]
    [InlineData("%", "100% covered in tags")]
    [InlineData("_", "tag reads under_score")]
    [InlineData("\\", "a slash \\ painted")]
    public async Task Case_search_finds_wildcard_characters_as_themselves(string text, string expected)
    {
        var cases = server.Services.GetRequiredService<CaseStore>();
        if (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE channel = 'phone'") == 0)
        {
            foreach (var description in new[] { "100% covered in tags", "tag reads under_score", "a slash \\ painted", "plain tags" })
            {
                await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, description, null, null, null, null, null, null, "en", "phone", null),
                    new Actor("test"), CancellationToken.None);
            }
        }
        var (status, body) = await server.AskAsync(await server.KeyAsync("handler"), "query ($t: String) { cases(filter: { text: $t }) { description } }", new { t = text });
        status.ShouldBe(200, body.ToString());
        body.GetProperty("data").GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("description").GetString()).ShouldBe([expected]);
    }

    private static readonly SemaphoreSlim Loading = new(1, 1);

    /// <summary>A small asset layer whose names and ids carry %, _ and \ (loaded once, over HTTP as GIS staff do).</summary>
    private async Task LoadMarksAsync()
    {
        await Loading.WaitAsync();
        try
        {
            if (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layers WHERE name = 'search-marks'") > 0) return;
            const string marks = """
                {"type":"FeatureCollection","features":[
                  {"type":"Feature","properties":{"id":"P1","name":"Sign: 50% slower"},"geometry":{"type":"Point","coordinates":[18.0765,59.3060]}},
                  {"type":"Feature","properties":{"id":"U_1","name":"Plain sign"},"geometry":{"type":"Point","coordinates":[18.0766,59.3061]}},
                  {"type":"Feature","properties":{"id":"B1","name":"Sign \\ bakgården"},"geometry":{"type":"Point","coordinates":[18.0767,59.3062]}}]}
                """;
            await server.ImportLayerAsync(await server.KeyAsync("gis"), "search-marks", "asset", marks);
        }
        finally
        {
            Loading.Release();
        }
    }
}

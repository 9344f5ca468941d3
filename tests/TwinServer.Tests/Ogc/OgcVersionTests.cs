using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.Ogc;

/// <summary>
/// datetime on /ogc answers from the layer version that served then, as every past date is answered in the product;
/// and a database away is a 503 with Retry-After, as on every other route. Its own fixture: it re-imports a layer and
/// closes the database.
/// </summary>
public sealed class OgcVersionTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private static string Building(string id, string name, double west)
    {
        var (w, e) = (west.ToString(CultureInfo.InvariantCulture), (west + 0.0003).ToString(CultureInfo.InvariantCulture));
        return $$"""{"type":"Feature","properties":{"id":"{{id}}","name":"{{name}}","owner":"soderbostader"},"geometry":{"type":"Polygon","coordinates":""" +
            $"[[[{w},59.30905],[{e},59.30905],[{e},59.30925],[{w},59.30925],[{w},59.30905]]]" + "}}";
    }

    private static async Task ImportAsync(HttpClient gis, params string[] features)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent($$"""{"type":"FeatureCollection","features":[{{string.Join(',', features)}}]}""", Encoding.UTF8, "application/geo+json"), "file", "byggnader.geojson");
        using var response = await gis.PostAsync("/layers/ogc-versions/import?kind=building", form);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ItemsAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/ogc/collections/ogc-versions/items?{query}");
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string[] Names(JsonElement page) =>
        [.. page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("properties").GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Datetime_before_a_reimport_answers_from_the_earlier_layer_version()
    {
        using var gis = server.CreateClient();
        gis.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.KeyAsync("gis"));
        await ImportAsync(gis, Building("N1", "Gamla huset", 18.0767), Building("N2", "Gården", 18.0771));
        await ImportAsync(gis, Building("N1", "Nya huset", 18.0767));
        var between = await server.Database.ScalarAsync<DateTime>("""
            SELECT lower(v1.served) + (lower(v2.served) - lower(v1.served)) / 2
            FROM layer_versions v1 JOIN layer_versions v2 ON v2.layer = v1.layer AND v2.version = 2
            WHERE v1.layer = 'ogc-versions' AND v1.version = 1
            """);
        var instant = Uri.EscapeDataString(between.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));

        using var reader = await server.IntegrationClientAsync();
        var now = await ItemsAsync(reader, "");
        Names(now).ShouldBe(["Nya huset"]);
        now.GetProperty("numberMatched").GetInt64().ShouldBe(1);
        var then = await ItemsAsync(reader, $"datetime={instant}");
        Names(then).ShouldBe(["Gamla huset", "Gården"]);
        then.GetProperty("numberMatched").GetInt64().ShouldBe(2);
        // An interval that ends then answers from the same version; one left open at the end from today's.
        Names(await ItemsAsync(reader, $"datetime=2000-01-01T00:00:00Z/{instant}")).ShouldBe(["Gamla huset", "Gården"]);
        Names(await ItemsAsync(reader, "datetime=2000-01-01/..")).ShouldBe(["Nya huset"]);
        // A date before the layer was first loaded: its first version, the earliest state known.
        Names(await ItemsAsync(reader, "datetime=2001-05-01")).ShouldBe(["Gamla huset", "Gården"]);

        using var one = await reader.GetAsync($"/ogc/collections/ogc-versions/items/N2?datetime={instant}");
        one.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var gone = await reader.GetAsync("/ogc/collections/ogc-versions/items/N2");
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_database_away_is_a_503_with_Retry_After_not_a_500()
    {
        using var reader = await server.IntegrationClientAsync();
        using (var warm = await reader.GetAsync("/ogc/collections")) warm.StatusCode.ShouldBe(HttpStatusCode.OK); // the key is cached
        await server.Database.SetOpenAsync(false);
        try
        {
            foreach (var path in new[] { "/ogc/collections", "/ogc/collections/sthlm-buildings", "/ogc/collections/sthlm-buildings/items" })
            {
                using var response = await reader.GetAsync(path);
                ((int)response.StatusCode).ShouldBe(503, path);
                response.Headers.RetryAfter.ShouldNotBeNull();
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe("DATABASE_UNAVAILABLE");
            }
        }
        finally
        {
            await server.Database.SetOpenAsync(true);
        }
    }
}

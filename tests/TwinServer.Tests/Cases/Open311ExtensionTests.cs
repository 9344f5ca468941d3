using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// Helsinki's extensions to GeoReport v2 (CitySDK): service_object_id on a post (routing targets that object),
/// extensions=true for the extended attributes, and the bbox, lat/long/radius and service_object_id filters.
/// </summary>
public sealed class Open311ExtensionTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Pillar = "sthlm-assets:TK-BRO-0417-S1";

    private async Task<string> PostAsync(string key, double lat, double lon, string? objectId = null, string? email = null)
    {
        using var client = server.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = lat.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["long"] = lon.ToString(System.Globalization.CultureInfo.InvariantCulture), ["media_url"] = "https://photos.example/p.jpg",
        };
        if (objectId is not null) form["service_object_id"] = objectId;
        if (email is not null) (form["email"], form["first_name"], form["phone"]) = (email, "Aino", "+358401234567");
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<string[]> ListAsync(string query)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync("/open311/v2/requests.json?" + query);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()!)];
    }

    [Fact]
    public async Task A_report_about_an_object_is_routed_for_it_and_the_filters_find_exactly_what_is_inside()
    {
        var key = await server.Services.GetRequiredService<ApiKeys>().CreateAsync("hki-app", "citizen-app", null, null, CancellationToken.None);
        // On the bridge pillar (named), on Götgatan 370 m north, and in Helsinki.
        var pillar = await PostAsync(key, 59.305782, 18.076363, Pillar, "aino@example.org");
        var street = await PostAsync(key, 59.309058, 18.076370);
        var helsinki = await PostAsync(key, 60.175790, 24.935139);
        var stored = (await server.Services.GetRequiredService<CaseStore>().FindAsync(pillar, CancellationToken.None))!;
        stored.ObjectId.ShouldBe(Pillar);
        stored.SuggestedTo.ShouldBe("klotterfritt");

        (await ListAsync("bbox=18.07,59.30,18.08,59.31")).ShouldBe([street, pillar], ignoreOrder: true);
        (await ListAsync("bbox=18.07,59.30,18.08,59.307")).ShouldBe([pillar]);
        (await ListAsync("bbox=24.9,60.1,25.0,60.2")).ShouldBe([helsinki]);
        (await ListAsync("lat=59.305782&long=18.076363&radius=100")).ShouldBe([pillar]);
        (await ListAsync("lat=59.305782&long=18.076363&radius=500")).ShouldBe([street, pillar], ignoreOrder: true);
        (await ListAsync($"service_object_id={Uri.EscapeDataString(Pillar)}")).ShouldBe([pillar]);

        // extensions=true: the extended attributes, in JSON and in XML, and never the reporter.
        using var client = server.CreateClient();
        var json = await client.GetStringAsync($"/open311/v2/requests.json?service_request_id={pillar}&extensions=true");
        var extended = JsonDocument.Parse(json).RootElement[0].GetProperty("extended_attributes");
        extended.GetProperty("service_object_id").GetString().ShouldBe(Pillar);
        extended.GetProperty("service_object_type").GetString().ShouldBe("digitaltwin:map-object");
        extended.GetProperty("detailed_status").GetString().ShouldBe("RECEIVED");
        extended.GetProperty("media_urls")[0].GetString().ShouldBe("https://photos.example/p.jpg");
        json.ShouldNotContain("aino@example.org");
        json.ShouldNotContain("+358401234567");
        json.ShouldNotContain("Aino");
        (await client.GetStringAsync($"/open311/v2/requests.json?service_request_id={pillar}")).ShouldNotContain("extended_attributes");
        var xml = XDocument.Parse(await client.GetStringAsync($"/open311/v2/requests.xml?service_request_id={pillar}&extensions=true"));
        xml.Root!.Element("request")!.Element("extended_attributes")!.Element("service_object_id")!.Value.ShouldBe(Pillar);
        xml.ToString().ShouldNotContain("aino@example.org");
    }

    [Theory]
    [InlineData("bbox=18.07,59.30,18.08", "bbox")]
    [InlineData("bbox=18.08,59.30,18.07,59.31", "bbox")]
    [InlineData("bbox=a,b,c,d", "bbox min_long")]
    [InlineData("lat=59.3&long=18.07", "radius")]
    [InlineData("lat=59.3&long=18.07&radius=-5", "radius")]
    [InlineData("lat=59.3&long=18.07&radius=1000000", "radius")]
    [InlineData("lat=95&long=18.07&radius=10", "lat")]
    public async Task A_bad_filter_gets_the_specifications_error_naming_it(string query, string named)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync("/open311/v2/requests.json?" + query);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0];
        error.GetProperty("code").GetInt32().ShouldBe(400);
        error.GetProperty("description").GetString()!.ShouldContain(named);
    }

    [Theory]
    [InlineData("sthlm-assets:NO-SUCH-THING", null)]
    [InlineData(Pillar, "http://www.hel.fi/servicemap/v2")]
    public async Task A_post_about_an_object_we_do_not_know_is_refused_and_makes_no_case(string objectId, string? type)
    {
        var key = await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"hki-{Guid.NewGuid():N}", "citizen-app", null, null, CancellationToken.None);
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        var form = new Dictionary<string, string> { ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", ["service_object_id"] = objectId };
        if (type is not null) form["service_object_type"] = type;
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("service_object");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>The sample city on a real loopback port, as a citizen app or Helsinki's map reaches it.</summary>
public sealed class Open311City : SampleCityServer
{
    public Open311City() => UseKestrel(0);
}

/// <summary>
/// Helsinki's extensions to GeoReport v2 (CitySDK's), over real HTTP: service_object_id on a post (routing targets
/// that object), extensions=true for the extended attributes in JSON and XML (never the reporter), and the bbox,
/// lat/long/radius and service_object_id filters, which select exactly the cases inside. Every test makes its own
/// cases and asserts on them, so the tests run in any order on the one database of the class.
/// </summary>
public sealed class Open311ExtensionTests(Open311City server) : IClassFixture<Open311City>
{
    // Story points of the sample city (data/sample/README.md), as a citizen app sends them.
    private static readonly (string Lon, string Lat) Pillar = ("18.076363", "59.305782"), Gotgatan = ("18.076370", "59.309058"),
        NorthOfTheData = ("18.076382", "59.314444"), Toolonlahti = ("24.935139", "60.175790");

    private const string PillarId = "sthlm-assets:TK-BRO-0417-S1", GotgatanId = "sthlm-assets:TK-GATA-1001", LampId = "sthlm-streetlights:TK-BEL-5001";

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private HttpClient Http() => new() { BaseAddress = server.BaseAddress };

    private Task<string> AppKeyAsync() =>
        server.Services.GetRequiredService<ApiKeys>().CreateAsync($"test-app-{Guid.NewGuid():N}", "citizen-app", null, null, CancellationToken.None);

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string key, string code, (string Lon, string Lat) at, params (string Name, string Value)[] more)
    {
        using var http = Http();
        var form = new Dictionary<string, string> { ["api_key"] = key, ["service_code"] = code, ["long"] = at.Lon, ["lat"] = at.Lat };
        foreach (var (name, value) in more) form[name] = value;
        using var response = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> ReportAsync(string key, string code, (string Lon, string Lat) at, params (string Name, string Value)[] more)
    {
        var (status, body) = await PostAsync(key, code, at, more);
        status.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var http = Http();
        using var response = await http.GetAsync(pathAndQuery);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>The requests a list query answers with (it must answer 200), by service_request_id.</summary>
    private async Task<JsonElement[]> ListAsync(string query)
    {
        var (status, body) = await GetAsync("/open311/v2/requests.json?" + query);
        status.ShouldBe(HttpStatusCode.OK, body);
        return [.. JsonDocument.Parse(body).RootElement.EnumerateArray().Select(r => r.Clone())];
    }

    private static string Id(JsonElement request) => request.GetProperty("service_request_id").GetString()!;

    private static double Degrees(string text) => double.Parse(text, CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_report_about_an_object_lands_on_that_object_and_is_found_by_it()
    {
        var key = await AppKeyAsync();
        // On Götgatan the street is what a report is about, unless the app says which object: here a lamp post nearby.
        var onTheStreet = await ReportAsync(key, "street-lighting", Gotgatan);
        var aboutTheLamp = await ReportAsync(key, "street-lighting", Gotgatan, ("service_object_id", LampId), ("service_object_type", "digitaltwin:map-object"));

        (await Cases.FindAsync(onTheStreet, CancellationToken.None))!.ObjectId.ShouldBe(GotgatanId);
        var lamp = (await Cases.FindAsync(aboutTheLamp, CancellationToken.None))!;
        lamp.ObjectId.ShouldBe(LampId);
        using (var suggestion = JsonDocument.Parse(lamp.Suggestion!))
        {
            suggestion.RootElement.GetProperty("target").GetString().ShouldBe(LampId); // the routing suggestion is for the lamp
            suggestion.RootElement.GetProperty("explanation").EnumerateArray().Select(e => e.GetString()).ShouldContain(e => e!.Contains(LampId) && e.Contains("as asked"));
        }

        var found = await ListAsync($"service_object_id={Uri.EscapeDataString(LampId)}&extensions=true");
        found.Select(Id).ShouldBe([aboutTheLamp]);
        var extended = found[0].GetProperty("extended_attributes");
        extended.GetProperty("service_object_id").GetString().ShouldBe(LampId);
        extended.GetProperty("service_object_type").GetString().ShouldBe("digitaltwin:map-object");
        (await ListAsync($"service_object_id={Uri.EscapeDataString(LampId)}&service_object_type=digitaltwin:map-object")).Select(Id).ShouldBe([aboutTheLamp]);
        (await ListAsync($"service_object_id={Uri.EscapeDataString(GotgatanId)}")).Select(Id).ShouldContain(onTheStreet);
        (await ListAsync($"service_object_id={Uri.EscapeDataString(GotgatanId)}")).Select(Id).ShouldNotContain(aboutTheLamp);
    }

    [Theory]
    [InlineData("sthlm-assets:NO-SUCH-THING", null, "service_object_id")]
    [InlineData("TK-BRO-0417-S1", null, "service_object_id")]
    [InlineData(PillarId, "http://www.hel.fi/servicemap/v2", "service_object_type")]
    public async Task A_post_about_an_object_we_do_not_know_is_refused_and_makes_no_case(string objectId, string? type, string named)
    {
        var key = await AppKeyAsync();
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        (string, string)[] more = type is null ? [("service_object_id", objectId)] : [("service_object_id", objectId), ("service_object_type", type)];
        var (status, body) = await PostAsync(key, "graffiti", Pillar, more);
        status.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(body).RootElement[0];
        error.GetProperty("code").GetInt32().ShouldBe(400);
        error.GetProperty("description").GetString()!.ShouldContain(named);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Fact]
    public async Task Extensions_come_in_json_and_in_xml_and_never_with_the_reporter()
    {
        var id = await ReportAsync(await AppKeyAsync(), "graffiti", Pillar, ("description", "Tags on the pillar"), ("media_url", "https://photos.example/pillar.jpg"),
            ("email", "aino.virtanen@example.org"), ("first_name", "Aino"), ("last_name", "Virtanen"), ("phone", "+358401234567"));
        string[] contact = ["aino.virtanen@example.org", "Aino", "Virtanen", "+358401234567", "358401234567"];

        // JSON: the list by id, the list by place (the 90-day window), and the one request.
        foreach (var path in new[]
                 {
                     $"/open311/v2/requests.json?service_request_id={id}&extensions=true",
                     $"/open311/v2/requests.json?lat={Pillar.Lat}&long={Pillar.Lon}&radius=5&extensions=true",
                     $"/open311/v2/requests/{id}.json?extensions=true",
                 })
        {
            var (status, body) = await GetAsync(path);
            status.ShouldBe(HttpStatusCode.OK, body);
            foreach (var c in contact) body.ShouldNotContain(c, customMessage: path);
            var request = JsonDocument.Parse(body).RootElement.EnumerateArray().Single(r => Id(r) == id);
            var extended = request.GetProperty("extended_attributes");
            extended.GetProperty("service_object_id").GetString().ShouldBe(PillarId, path); // the object routing found at the point
            extended.GetProperty("service_object_type").GetString().ShouldBe("digitaltwin:map-object");
            extended.GetProperty("detailed_status").GetString().ShouldBe("RECEIVED");
            extended.GetProperty("title").GetString().ShouldNotBeNullOrEmpty();
            extended.GetProperty("media_urls").EnumerateArray().Select(u => u.GetString()).ShouldBe(["https://photos.example/pillar.jpg"]);
        }

        // XML: the same attributes as elements, the media as <media_urls><media_url>.
        foreach (var path in new[] { $"/open311/v2/requests.xml?service_request_id={id}&extensions=true", $"/open311/v2/requests/{id}.xml?extensions=true" })
        {
            var (status, body) = await GetAsync(path);
            status.ShouldBe(HttpStatusCode.OK, body);
            foreach (var c in contact) body.ShouldNotContain(c, customMessage: path);
            var xml = XDocument.Parse(body);
            xml.Root!.Name.LocalName.ShouldBe("service_requests");
            var extended = xml.Root.Elements("request").Single(r => r.Element("service_request_id")!.Value == id).Element("extended_attributes")!;
            extended.Element("service_object_id")!.Value.ShouldBe(PillarId);
            extended.Element("service_object_type")!.Value.ShouldBe("digitaltwin:map-object");
            extended.Element("detailed_status")!.Value.ShouldBe("RECEIVED");
            extended.Element("media_urls")!.Elements("media_url").Select(e => e.Value).ShouldBe(["https://photos.example/pillar.jpg"]);
        }

        // Without extensions (or with extensions=false): GeoReport v2 as the specification has it.
        foreach (var path in new[] { $"/open311/v2/requests.json?service_request_id={id}", $"/open311/v2/requests/{id}.json?extensions=false" })
        {
            var (_, body) = await GetAsync(path);
            var request = JsonDocument.Parse(body).RootElement[0];
            request.TryGetProperty("extended_attributes", out _).ShouldBeFalse(path);
            request.TryGetProperty("detailed_status", out _).ShouldBeFalse(path);
            foreach (var c in contact) body.ShouldNotContain(c, customMessage: path);
        }
        var (_, plainXml) = await GetAsync($"/open311/v2/requests.xml?service_request_id={id}");
        XDocument.Parse(plainXml).Root!.Element("request")!.Element("extended_attributes").ShouldBeNull();
    }

    [Fact]
    public async Task A_bbox_selects_exactly_the_cases_inside_it()
    {
        var key = await AppKeyAsync();
        var (pillar, street, north, helsinki) = (await ReportAsync(key, "litter", Pillar), await ReportAsync(key, "litter", Gotgatan),
            await ReportAsync(key, "litter", NorthOfTheData), await ReportAsync(key, "litter", Toolonlahti));

        async Task<string[]> Inside(string bbox)
        {
            var found = await ListAsync("bbox=" + bbox);
            var box = bbox.Split(',').Select(Degrees).ToArray();
            foreach (var r in found)
            {
                r.GetProperty("long").GetDouble().ShouldBeInRange(box[0], box[2], Id(r));
                r.GetProperty("lat").GetDouble().ShouldBeInRange(box[1], box[3], Id(r));
            }
            return [.. found.Select(Id)];
        }

        var skanstull = await Inside("18.07,59.30,18.08,59.31");
        skanstull.ShouldContain(pillar);
        skanstull.ShouldContain(street);
        skanstull.ShouldNotContain(north);
        skanstull.ShouldNotContain(helsinki);

        // Edges included, to the last digit: Götgatan's point is on the northern edge of the first box, just outside the second.
        (await Inside($"18.07,59.30,18.08,{Gotgatan.Lat}")).ShouldContain(street);
        var belowTheStreet = await Inside("18.07,59.30,18.08,59.309057");
        belowTheStreet.ShouldContain(pillar);
        belowTheStreet.ShouldNotContain(street);

        var toolo = await Inside("24.93,60.17,24.94,60.18");
        toolo.ShouldContain(helsinki);
        toolo.ShouldNotContain(pillar);

        // The 90-day window still applies; a service_request_id lifts it, and the bbox still narrows.
        (await ListAsync("bbox=18.07,59.30,18.08,59.31&start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z")).ShouldBeEmpty();
        (await ListAsync($"bbox=18.07,59.30,18.08,59.31&service_request_id={pillar},{north}")).Select(Id).ShouldBe([pillar]);
    }

    [Fact]
    public async Task Lat_long_and_radius_select_exactly_the_cases_within_the_radius()
    {
        var key = await AppKeyAsync();
        var (pillar, street, north, helsinki) = (await ReportAsync(key, "damage", Pillar), await ReportAsync(key, "damage", Gotgatan),
            await ReportAsync(key, "damage", NorthOfTheData), await ReportAsync(key, "damage", Toolonlahti));
        // From the pillar to Götgatan's point on the ellipsoid, as PostGIS measures it (about 365 m).
        var toStreet = await server.Database.ScalarAsync<double>(
            "SELECT ST_Distance(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography)",
            Degrees(Pillar.Lon), Degrees(Pillar.Lat),
            Degrees(Gotgatan.Lon), Degrees(Gotgatan.Lat));
        toStreet.ShouldBeInRange(300, 400);

        async Task<string[]> Within(double radius)
        {
            var metres = radius.ToString("0.###", CultureInfo.InvariantCulture);
            var found = (await ListAsync($"lat={Pillar.Lat}&long={Pillar.Lon}&radius={metres}")).Select(Id).ToArray();
            // Every case answered is within the radius, measured as PostGIS measures it.
            var farthest = await server.Database.ScalarAsync<double?>("""
                SELECT max(ST_Distance(ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography))
                FROM cases WHERE service_request_id = ANY ($1)
                """, found, Degrees(Pillar.Lon), Degrees(Pillar.Lat));
            (farthest ?? 0).ShouldBeLessThanOrEqualTo(radius);
            return found;
        }

        var wide = await Within(toStreet + 0.5);
        wide.ShouldContain(pillar);
        wide.ShouldContain(street);
        wide.ShouldNotContain(north);
        wide.ShouldNotContain(helsinki);
        var narrow = await Within(toStreet - 0.5);
        narrow.ShouldContain(pillar);
        narrow.ShouldNotContain(street);
        (await Within(CaseFilter.MaxRadiusMetres)).ShouldContain(north); // about 960 m north
    }

    [Theory]
    [InlineData("bbox=18.07,59.30,18.08", "bbox")]
    [InlineData("bbox=18.07,59.30,18.08,59.31,60", "bbox")]
    [InlineData("bbox=a,b,c,d", "bbox min_long")]
    [InlineData("bbox=18.08,59.30,18.07,59.31", "bbox")]
    [InlineData("bbox=18.07,59.30,200,59.31", "bbox max_long")]
    [InlineData("bbox=0,40,18.08,59.31", "bbox")]
    [InlineData("lat=59.3", "long and radius are missing")]
    [InlineData("long=18.07&radius=100", "lat is missing")]
    [InlineData("lat=59.3&long=18.07", "radius is missing")]
    [InlineData("lat=59.3&long=18.07&radius=-5", "radius")]
    [InlineData("lat=59.3&long=18.07&radius=10001", "at most 10,000")]
    [InlineData("lat=59.3&long=18.07&radius=NaN", "radius")]
    [InlineData("lat=95&long=18.07&radius=10", "lat")]
    [InlineData("lat=59.3&long=east&radius=10", "long")]
    [InlineData("service_object_type=http://www.hel.fi/servicemap/v2", "service_object_type")]
    [InlineData("extensions=maybe", "extensions")]
    public async Task A_bad_filter_gets_the_specifications_error_naming_it(string query, string named)
    {
        var (status, body) = await GetAsync("/open311/v2/requests.json?" + query);
        status.ShouldBe(HttpStatusCode.BadRequest, body);
        var error = JsonDocument.Parse(body).RootElement.EnumerateArray().ShouldHaveSingleItem();
        error.GetProperty("code").GetInt32().ShouldBe(400);
        error.GetProperty("description").GetString()!.ShouldContain(named);

        var (xmlStatus, xmlBody) = await GetAsync("/open311/v2/requests.xml?" + query);
        xmlStatus.ShouldBe(HttpStatusCode.BadRequest);
        var xmlError = XDocument.Parse(xmlBody).Root!.Element("error")!;
        xmlError.Element("code")!.Value.ShouldBe("400");
        xmlError.Element("description")!.Value.ShouldContain(named);
    }

    [Fact]
    public async Task An_area_selects_the_cases_inside_it_and_a_bad_area_is_a_clear_refusal()
    {
        var key = await AppKeyAsync();
        var (pillar, north, helsinki) = (await ReportAsync(key, "pothole", Pillar), await ReportAsync(key, "pothole", NorthOfTheData),
            await ReportAsync(key, "pothole", Toolonlahti));
        const string AroundThePillar = """{"type":"Polygon","coordinates":[[[18.0760,59.3055],[18.0767,59.3055],[18.0767,59.3060],[18.0760,59.3060],[18.0760,59.3055]]]}""";
        var inside = (await Cases.ListAsync(new CaseFilter { Within = AroundThePillar, Limit = 1000 }, CancellationToken.None)).Select(c => c.ServiceRequestId).ToList();
        inside.ShouldContain(pillar);
        inside.ShouldNotContain(north);
        inside.ShouldNotContain(helsinki);
        (await Cases.ListAsync(new CaseFilter { Within = AroundThePillar, Bbox = (24.9, 60.1, 25.0, 60.2) }, CancellationToken.None)).ShouldBeEmpty();

        foreach (var bad in new[]
                 {
                     "not json", """{"type":"Feature","geometry":{"type":"Point","coordinates":[18.07,59.30]}}""", """{"type":"Polygon","coordinates":"x"}""",
                     """{"type":"Polygon","coordinates":[[[18.07,95],[18.08,59.30],[18.08,59.31],[18.07,95]]]}""", " ",
                 })
        {
            var refused = await Should.ThrowAsync<TwinException>(() => Cases.ListAsync(new CaseFilter { Within = bad }, CancellationToken.None));
            refused.Code.ShouldBe("BAD_AREA", bad);
            refused.Status.ShouldBe(400);
            refused.Message.ShouldContain("GeoJSON");
        }
        (await Should.ThrowAsync<TwinException>(() => Cases.ListAsync(new CaseFilter { Near = (18.07, 59.30, 50_000) }, CancellationToken.None))).Code.ShouldBe("BAD_NEAR");
        (await Should.ThrowAsync<TwinException>(() => Cases.ListAsync(new CaseFilter { Near = (18.07, double.NaN, 10) }, CancellationToken.None))).Code.ShouldBe("BAD_NEAR");
        (await Should.ThrowAsync<TwinException>(() => Cases.ListAsync(new CaseFilter { Bbox = (18.08, 59.30, 18.07, 59.31) }, CancellationToken.None))).Code.ShouldBe("BAD_BBOX");
    }
}

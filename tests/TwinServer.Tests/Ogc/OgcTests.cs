using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.Ogc;

/// <summary>
/// /ogc on the sample city: OGC API Features Part 1 and Part 2 as a client reads them (the key checks of the Core
/// abstract test suite, since the OGC's own suite cannot run here: see docs/api-tiles-and-ogc.md), compared with what
/// PostGIS says of the same objects.
/// </summary>
public sealed class OgcTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Epsg = "http://www.opengis.net/def/crs/EPSG/0/";

    private async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(string path, HttpClient? client = null)
    {
        using var own = client is null ? await server.IntegrationClientAsync() : null;
        var response = await (client ?? own!).GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static string Href(JsonElement links, string rel) =>
        links.EnumerateArray().First(l => l.GetProperty("rel").GetString() == rel).GetProperty("href").GetString()!;

    private static string PathOf(string href) => new Uri(href).PathAndQuery;

    [Fact]
    public async Task The_landing_page_links_the_definition_the_conformance_and_the_collections()
    {
        var (response, landing) = await GetAsync("/ogc");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        var links = landing.GetProperty("links");
        foreach (var rel in new[] { "self", "service-desc", "conformance", "data" }) Href(links, rel).ShouldStartWith("http://");

        var (api, definition) = await GetAsync(PathOf(Href(links, "service-desc")));
        api.Content.Headers.ContentType!.ToString().ShouldBe("application/vnd.oai.openapi+json; version=3.0");
        definition.GetProperty("openapi").GetString().ShouldStartWith("3.0");
        definition.GetProperty("paths").TryGetProperty("/collections/{collectionId}/items", out _).ShouldBeTrue();

        var (_, conformance) = await GetAsync(PathOf(Href(links, "conformance")) + "?f=json");
        conformance.GetProperty("conformsTo").EnumerateArray().Select(c => c.GetString()).ShouldBe(
        [
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
            "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
            "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
        ]);
    }

    [Fact]
    public async Task Every_layer_is_a_collection_with_its_extent_its_crs_list_and_its_storage_crs()
    {
        var (_, body) = await GetAsync("/ogc/collections");
        var collections = body.GetProperty("collections").EnumerateArray().ToList();
        var layers = await server.Database.ScalarAsync<long>("SELECT count(*) FROM layers WHERE current_version IS NOT NULL");
        collections.Count.ShouldBe((int)layers);

        var (_, buildings) = await GetAsync("/ogc/collections/sthlm-buildings");
        buildings.GetProperty("id").GetString().ShouldBe("sthlm-buildings");
        buildings.GetProperty("itemType").GetString().ShouldBe("feature");
        buildings.GetProperty("storageCrs").GetString().ShouldBe(Epsg + "3035");
        var crs = buildings.GetProperty("crs").EnumerateArray().Select(c => c.GetString()).ToList();
        crs[0].ShouldBe("http://www.opengis.net/def/crs/OGC/1.3/CRS84");
        crs.ShouldContain(Epsg + "3879");
        crs.ShouldContain(Epsg + "3011");
        crs.ShouldContain(Epsg + "25833");
        var bbox = buildings.GetProperty("extent").GetProperty("spatial").GetProperty("bbox")[0].EnumerateArray().Select(v => v.GetDouble()).ToArray();
        // Götgatan 78 (B3103) stands at 18.0768, 59.3091.
        bbox[0].ShouldBeLessThan(18.0768);
        bbox[1].ShouldBeLessThan(59.3091);
        bbox[2].ShouldBeGreaterThan(18.0768);
        bbox[3].ShouldBeGreaterThan(59.3091);
        var start = await server.Database.ScalarAsync<DateTime>("SELECT min(lower(served)) FROM layer_versions WHERE layer = 'sthlm-buildings'");
        var interval = buildings.GetProperty("extent").GetProperty("temporal").GetProperty("interval")[0];
        DateTime.Parse(interval[0].GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).ShouldBe(start, TimeSpan.FromSeconds(1));
        interval[1].ValueKind.ShouldBe(JsonValueKind.Null);
        Href(buildings.GetProperty("links"), "items").ShouldEndWith("/ogc/collections/sthlm-buildings/items");
        Href(buildings.GetProperty("links"), "tiles").ShouldEndWith("/tiles/sthlm-buildings.json");
    }

    [Fact]
    public async Task Pages_linked_by_next_return_every_feature_exactly_once_and_prev_goes_back()
    {
        var expected = await server.Database.ScalarAsync<string[]>(
            "SELECT array_agg(source_id ORDER BY source_id) FROM current_map_objects WHERE layer = 'sthlm-streetlights'");
        var seen = new List<string>();
        var path = "/ogc/collections/sthlm-streetlights/items?limit=3";
        var pages = new List<string>();
        while (path is not null)
        {
            pages.Add(path);
            var (response, page) = await GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/geo+json");
            page.GetProperty("type").GetString().ShouldBe("FeatureCollection");
            page.GetProperty("numberMatched").GetInt64().ShouldBe(expected.Length);
            var features = page.GetProperty("features").EnumerateArray().ToList();
            page.GetProperty("numberReturned").GetInt32().ShouldBe(features.Count);
            page.GetProperty("timeStamp").GetString()!.ShouldEndWith("Z");
            seen.AddRange(features.Select(f => f.GetProperty("id").GetString()!));
            var next = page.GetProperty("links").EnumerateArray().FirstOrDefault(l => l.GetProperty("rel").GetString() == "next");
            path = next.ValueKind == JsonValueKind.Object ? PathOf(next.GetProperty("href").GetString()!) : null!;
            pages.Count.ShouldBeLessThan(10);
        }
        seen.ShouldBe(expected);
        pages.Count.ShouldBe((expected.Length + 2) / 3);

        // The second page's prev link gives the first page again.
        var (_, second) = await GetAsync(pages[1]);
        var (_, back) = await GetAsync(PathOf(Href(second.GetProperty("links"), "prev")));
        back.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ShouldBe(expected.Take(3));
        PathOf(Href(back.GetProperty("links"), "next")).ShouldContain("limit=3");
    }

    [Fact]
    public async Task A_feature_carries_the_objects_fields_and_its_source_attributes()
    {
        var (response, feature) = await GetAsync("/ogc/collections/sthlm-buildings/items/B3103");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/geo+json");
        response.Headers.GetValues("Content-Crs").Single().ShouldBe("<http://www.opengis.net/def/crs/OGC/1.3/CRS84>");
        feature.GetProperty("type").GetString().ShouldBe("Feature");
        feature.GetProperty("id").GetString().ShouldBe("B3103");
        var properties = feature.GetProperty("properties");
        properties.GetProperty("object_id").GetString().ShouldBe("sthlm-buildings:B3103");
        properties.GetProperty("kind").GetString().ShouldBe("building");
        properties.GetProperty("owner").GetString().ShouldBe("soderbostader");
        properties.GetProperty("address").GetString().ShouldBe("Götgatan 78");
        properties.GetProperty("BYGG_ID").GetString().ShouldBe("B3103"); // a source attribute, as the file had it
        feature.GetProperty("geometry").GetProperty("type").GetString().ShouldBeOneOf("Polygon", "MultiPolygon");
        Href(feature.GetProperty("links"), "self").ShouldEndWith("/ogc/collections/sthlm-buildings/items/B3103");
    }

    [Theory]
    [InlineData("3879", "hki-buildings")]
    [InlineData("3067", "hki-buildings")]
    [InlineData("3011", "sthlm-buildings")]
    [InlineData("3006", "sthlm-buildings")]
    [InlineData("3857", "sthlm-buildings")]
    [InlineData("3035", "sthlm-buildings")]
    [InlineData("25833", "sthlm-buildings")]
    public async Task Items_in_a_national_crs_match_PostGIS_ST_Transform_in_the_crs_axis_order(string srid, string layer)
    {
        var (response, page) = await GetAsync($"/ogc/collections/{layer}/items?crs={Uri.EscapeDataString(Epsg + srid)}&limit=1");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Content-Crs").Single().ShouldBe($"<{Epsg}{srid}>");
        var feature = page.GetProperty("features")[0];
        var first = FirstPosition(feature.GetProperty("geometry"));
        var id = feature.GetProperty("id").GetString()!;
        var x = await server.Database.ScalarAsync<double>(
            $"SELECT ST_X(ST_PointN(ST_ExteriorRing(ST_GeometryN(ST_Transform(geom, {srid}), 1)), 1)) FROM current_map_objects WHERE layer = $1 AND source_id = $2", layer, id);
        var y = await server.Database.ScalarAsync<double>(
            $"SELECT ST_Y(ST_PointN(ST_ExteriorRing(ST_GeometryN(ST_Transform(geom, {srid}), 1)), 1)) FROM current_map_objects WHERE layer = $1 AND source_id = $2", layer, id);
        // Northing first for GK25FIN, SWEREF 99 and LAEA Europe, as the EPSG registry defines them; easting first for the others.
        var northingFirst = srid is "3879" or "3011" or "3006" or "3035";
        first[0].ShouldBe(northingFirst ? y : x, 0.01);
        first[1].ShouldBe(northingFirst ? x : y, 0.01);
    }

    [Fact]
    public async Task EPSG_4326_is_latitude_then_longitude_and_CRS84_longitude_then_latitude()
    {
        var (_, crs84) = await GetAsync("/ogc/collections/sthlm-buildings/items/B3103");
        var (wgs84Response, wgs84) = await GetAsync($"/ogc/collections/sthlm-buildings/items/B3103?crs={Uri.EscapeDataString(Epsg + "4326")}");
        wgs84Response.Headers.GetValues("Content-Crs").Single().ShouldBe($"<{Epsg}4326>");
        var lonLat = FirstPosition(crs84.GetProperty("geometry"));
        var latLon = FirstPosition(wgs84.GetProperty("geometry"));
        lonLat[0].ShouldBe(18.0768, 0.001);
        lonLat[1].ShouldBe(59.3091, 0.001);
        latLon[0].ShouldBe(lonLat[1]);
        latLon[1].ShouldBe(lonLat[0]);
    }

    [Fact]
    public async Task A_bbox_in_CRS84_and_the_same_box_in_EPSG_3011_and_EPSG_4326_find_what_PostGIS_finds()
    {
        // A box of 60 m around Götgatan 78 (B3103), in SWEREF 99 18 00 (northing, easting) and in WGS84.
        var corners = await server.Database.ScalarAsync<double[]>("""
            SELECT ARRAY[ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b), ST_XMin(w), ST_YMin(w), ST_XMax(w), ST_YMax(w)]
            FROM (SELECT ST_Expand(ST_Transform(ST_Centroid(geom), 3011), 30) AS b FROM current_map_objects WHERE layer = 'sthlm-buildings' AND source_id = 'B3103') s,
                 LATERAL (SELECT ST_Transform(b, 4326) AS w) t
            """);
        var expected = await server.Database.ScalarAsync<string[]>($"""
            SELECT coalesce(array_agg(source_id ORDER BY source_id), ARRAY[]::text[]) FROM current_map_objects
            WHERE layer = 'sthlm-buildings' AND ST_Intersects(geom, ST_Transform(ST_MakeEnvelope({Invariant(corners[0])}, {Invariant(corners[1])}, {Invariant(corners[2])}, {Invariant(corners[3])}, 3011), 3035))
            """);
        expected.ShouldContain("B3103");

        var sweref = $"{Invariant(corners[1])},{Invariant(corners[0])},{Invariant(corners[3])},{Invariant(corners[2])}";
        (await IdsAsync($"bbox={sweref}&bbox-crs={Uri.EscapeDataString(Epsg + "3011")}")).ShouldBe(expected);
        var box84 = $"{Invariant(corners[4])},{Invariant(corners[5])},{Invariant(corners[6])},{Invariant(corners[7])}";
        var found84 = await IdsAsync($"bbox={box84}");
        found84.ShouldContain("B3103");
        var box4326 = $"{Invariant(corners[5])},{Invariant(corners[4])},{Invariant(corners[7])},{Invariant(corners[6])}";
        (await IdsAsync($"bbox={box4326}&bbox-crs=EPSG:4326")).ShouldBe(found84);
        // Far away: nothing, and numberMatched says so.
        var (_, empty) = await GetAsync("/ogc/collections/sthlm-buildings/items?bbox=10,50,10.001,50.001");
        empty.GetProperty("numberMatched").GetInt64().ShouldBe(0);
        empty.GetProperty("features").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task A_property_filter_narrows_the_list_and_the_count()
    {
        var owner = await server.Database.ScalarAsync<string>("SELECT owner FROM current_map_objects WHERE layer = 'sthlm-buildings' AND source_id = 'B3103'");
        var expected = await server.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'sthlm-buildings' AND owner = $1", owner);
        var (_, page) = await GetAsync($"/ogc/collections/sthlm-buildings/items?owner={owner}");
        page.GetProperty("numberMatched").GetInt64().ShouldBe(expected);
        page.GetProperty("features").EnumerateArray().ShouldAllBe(f => f.GetProperty("properties").GetProperty("owner").GetString() == owner);
    }

    [Theory]
    [InlineData("/ogc/collections/no-such-layer", 404, "UNKNOWN_LAYER")]
    [InlineData("/ogc/collections/No%20Such/items", 404, "UNKNOWN_LAYER")]
    [InlineData("/ogc/collections/sthlm-buildings/items/NO-SUCH-ID", 404, "UNKNOWN_FEATURE")]
    [InlineData("/ogc/collections/sthlm-buildings/items/a%01b", 400, "BAD_TEXT")]
    [InlineData("/ogc/collections/sthlm-buildings/items/%2e%2e%2f%2e%2e%2fetc", 404, "UNKNOWN_FEATURE")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=0", 400, "BAD_LIMIT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=10001", 400, "BAD_LIMIT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=-5", 400, "BAD_LIMIT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=99999999999999999999", 400, "BAD_LIMIT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=1e3", 400, "BAD_LIMIT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=1,2,3", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=a,b,c,d", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=NaN,0,1,1", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=1e308,0,1e309,1", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=18,59,17,60", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=0,0,200,95", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox-crs=EPSG:3011", 400, "BAD_BBOX")]
    [InlineData("/ogc/collections/sthlm-buildings/items?crs=EPSG:99999", 400, "BAD_CRS")]
    [InlineData("/ogc/collections/sthlm-buildings/items?crs=http://www.opengis.net/def/crs/EPSG/0/2000", 400, "BAD_CRS")]
    [InlineData("/ogc/collections/sthlm-buildings/items?crs='%20OR%201=1--", 400, "BAD_CRS")]
    [InlineData("/ogc/collections/sthlm-buildings/items?bbox=1,2,3,4&bbox-crs=urn:nonsense", 400, "BAD_CRS")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=yesterday", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=2024-13-45", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=9999-01-01T00:00:00Z", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=2024-06-01/2024-01-01", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=2024-01-01/2024-02-01/2024-03-01", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?datetime=2024-01-01T00:00:00", 400, "BAD_DATETIME")]
    [InlineData("/ogc/collections/sthlm-buildings/items?after=!!!", 400, "BAD_CURSOR")]
    [InlineData("/ogc/collections/sthlm-buildings/items?after=QQ&before=QQ", 400, "BAD_CURSOR")]
    [InlineData("/ogc/collections/sthlm-buildings/items?after=AA", 400, "BAD_CURSOR")]
    [InlineData("/ogc/collections/sthlm-buildings/items?owner=a%00b", 400, "BAD_TEXT")]
    [InlineData("/ogc/collections/sthlm-buildings/items?limit=1&limit=2", 400, "BAD_PARAMETER")]
    [InlineData("/ogc/collections/sthlm-buildings/items?filter=x", 400, "BAD_PARAMETER")]
    [InlineData("/ogc/collections/sthlm-buildings/items?f=html", 406, "NOT_ACCEPTABLE")]
    [InlineData("/ogc/collections?limit=5", 400, "BAD_PARAMETER")]
    [InlineData("/ogc?f=xml", 406, "NOT_ACCEPTABLE")]
    public async Task A_hostile_or_wrong_parameter_gets_a_problem_with_a_code_never_a_500(string path, int status, string code)
    {
        var (response, problem) = await GetAsync(path);
        ((int)response.StatusCode).ShouldBe(status, problem.ToString());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        problem.GetProperty("code").GetString().ShouldBe(code);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(null, 401, "UNAUTHENTICATED")]
    [InlineData("twin_not-a-key-anyone-made", 401, "UNAUTHENTICATED")]
    [InlineData("citizen-app", 403, "FORBIDDEN")]
    public async Task A_caller_who_may_not_read_map_data_is_refused_as_by_GraphQL(string? key, int status, string code)
    {
        foreach (var path in new[] { "/ogc", "/ogc/collections", "/ogc/collections/sthlm-buildings/items", "/tiles/sthlm-buildings.json" })
        {
            using var client = server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
            if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key == "citizen-app" ? await server.KeyAsync(key) : key);
            var (response, problem) = await GetAsync(path, client);
            ((int)response.StatusCode).ShouldBe(status, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            problem.GetProperty("code").GetString().ShouldBe(code);
        }
    }

    [Fact]
    public async Task Contractors_integrations_and_signed_in_people_read_as_they_read_GraphQL()
    {
        using var contractor = server.CreateClient();
        contractor.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await server.KeyAsync("contractor", "klotterfritt"));
        (await GetAsync("/ogc/collections/sthlm-buildings/items", contractor)).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var handler = await server.SignedInClientAsync("handler");
        (await GetAsync("/ogc/collections/sthlm-buildings/items", handler)).Response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_TileJSON_document_points_at_the_serving_versions_tiles()
    {
        var version = await server.Database.ScalarAsync<int>("SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = 'sthlm-buildings'");
        var (response, tilejson) = await GetAsync("/tiles/sthlm-buildings.json");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        tilejson.GetProperty("tilejson").GetString().ShouldBe("3.0.0");
        var template = tilejson.GetProperty("tiles")[0].GetString()!;
        template.ShouldEndWith($"/tiles/sthlm-buildings/{{z}}/{{x}}/{{y}}.mvt?v={version}");
        tilejson.GetProperty("minzoom").GetInt32().ShouldBe(13);
        tilejson.GetProperty("vector_layers")[0].GetProperty("id").GetString().ShouldBe("sthlm-buildings");
        // The template, filled in, is a tile.
        var tile = PathOf(template.Replace("{z}", "16", StringComparison.Ordinal).Replace("{x}", "36058", StringComparison.Ordinal).Replace("{y}", "19280", StringComparison.Ordinal));
        using var client = await server.IntegrationClientAsync();
        using var mvt = await client.GetAsync(tile);
        mvt.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await GetAsync("/tiles/no-such-layer.json")).Response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    private async Task<string[]> IdsAsync(string query)
    {
        var (response, page) = await GetAsync($"/ogc/collections/sthlm-buildings/items?{query}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, page.ToString());
        return [.. page.GetProperty("features").EnumerateArray().Select(f => f.GetProperty("id").GetString()!)];
    }

    private static double[] FirstPosition(JsonElement geometry)
    {
        var at = geometry.GetProperty("coordinates");
        while (at[0].ValueKind == JsonValueKind.Array) at = at[0];
        return [at[0].GetDouble(), at[1].GetDouble()];
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

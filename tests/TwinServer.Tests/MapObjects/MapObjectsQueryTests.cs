using System.Text.Json;

namespace DigitalTwin.Server.Tests.MapObjects;

/// <summary>mapObjects and mapObject over the sample city: filters, paging, distance order, and clear errors.</summary>
public sealed class MapObjectsQueryTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Page = """
        query ($filter: MapObjectFilter, $first: Int, $after: String, $orderBy: MapObjectOrder) {
          mapObjects(filter: $filter, first: $first, after: $after, orderBy: $orderBy) {
            totalCount
            edges { cursor node { id kind type name address distance manager { key } } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """;

    private async Task<JsonElement> PageAsync(object variables) => (await server.DataAsync(Page, variables)).GetProperty("mapObjects");

    private static List<string> Ids(JsonElement page) =>
        page.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Paging_by_name_visits_every_object_once()
    {
        var all = new List<string>();
        string? after = null;
        long total = 0;
        for (var pages = 0; pages < 30; pages++)
        {
            var page = await PageAsync(new { filter = new { layer = new[] { "sthlm-assets", "sthlm-buildings", "sthlm-parcels" } }, first = 4, after });
            total = page.GetProperty("totalCount").GetInt64();
            all.AddRange(Ids(page));
            if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean()) break;
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        total.ShouldBe(8 + 5 + 10);
        all.Count.ShouldBe((int)total);
        all.Distinct().Count().ShouldBe(all.Count);
    }

    [Fact]
    public async Task Nearest_first_from_the_pillar_with_distances()
    {
        var page = await PageAsync(new
        {
            filter = new { near = new { point = new { x = 154350, y = 6576735, crs = "EPSG:3011" }, within = 60.0 }, kind = new[] { "asset", "building" } },
            orderBy = "DISTANCE",
            first = 3,
        });
        var edges = page.GetProperty("edges").EnumerateArray().ToList();
        // The point is on both the pillar and the bridge deck around it: both at 0 m, ties in id order.
        edges.Take(2).Select(e => e.GetProperty("node").GetProperty("id").GetString()).ShouldBe(["sthlm-assets:TK-BRO-0417", "sthlm-assets:TK-BRO-0417-S1"]);
        var distances = edges.Select(e => e.GetProperty("node").GetProperty("distance").GetDouble()).ToList();
        distances.ShouldBe(distances.Order().ToList());
        distances[0].ShouldBe(0);

        var next = await PageAsync(new
        {
            filter = new { near = new { point = new { x = 154350, y = 6576735, crs = "EPSG:3011" }, within = 60.0 }, kind = new[] { "asset", "building" } },
            orderBy = "DISTANCE",
            first = 3,
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString(),
        });
        Ids(next).Intersect(Ids(page)).ShouldBeEmpty();
        next.GetProperty("edges")[0].GetProperty("node").GetProperty("distance").GetDouble().ShouldBeGreaterThanOrEqualTo(distances[^1]);
    }

    [Fact]
    public async Task Text_finds_by_address_and_manager_filters_by_role()
    {
        var byText = await PageAsync(new { filter = new { text = "götgatan 78" } });
        Ids(byText).ShouldContain("sthlm-buildings:B3103");

        var managed = await PageAsync(new { filter = new { manager = "trafikkontoret", kind = new[] { "asset" } }, first = 100 });
        managed.GetProperty("edges").EnumerateArray().ShouldAllBe(e => e.GetProperty("node").GetProperty("manager").GetProperty("key").GetString() == "trafikkontoret");
        Ids(managed).ShouldContain("sthlm-assets:TK-BRO-0417-S1");
    }

    [Theory]
    [InlineData("gotgatan 78")]
    [InlineData("GÖTGATAN 78")]
    [InlineData("Götgätan 78")]
    [InlineData("STHLM-BUILDINGS:b3103")]
    public async Task Text_is_found_whatever_the_accents_and_the_case(string typed)
    {
        Ids(await PageAsync(new { filter = new { text = typed } })).ShouldContain("sthlm-buildings:B3103");
    }

    [Fact]
    public async Task A_contractor_finds_its_contracts_and_what_they_cover()
    {
        var page = await PageAsync(new { filter = new { contractor = "brounderhall-norden", on = "2026-11-24" }, first = 100 });
        var ids = Ids(page);
        ids.ShouldContain("sthlm-contracts:TK-BRO-2025");
        ids.ShouldContain("sthlm-assets:TK-BRO-0417-S1");
        ids.ShouldNotContain("hki-assets:HKI-KATU-0101");
    }

    [Fact]
    public async Task Spatial_filters_by_box_and_by_geojson()
    {
        // A box around the pillar in SWEREF 99 18 00, and the same as a GeoJSON polygon in WGS84.
        var inBox = Ids(await PageAsync(new { filter = new { bbox = new { minX = 154345, minY = 6576730, maxX = 154355, maxY = 6576740, crs = "EPSG:3011" }, kind = new[] { "asset" } } }));
        inBox.ShouldContain("sthlm-assets:TK-BRO-0417-S1");
        inBox.ShouldNotContain("sthlm-assets:TK-GATA-1001");

        var polygon = new { type = "Polygon", coordinates = new[] { new[] { new[] { 18.0763, 59.3057 }, new[] { 18.0764, 59.3057 }, new[] { 18.0764, 59.3058 }, new[] { 18.0763, 59.3058 }, new[] { 18.0763, 59.3057 } } } };
        var intersecting = Ids(await PageAsync(new { filter = new { intersects = polygon, kind = new[] { "asset" } } }));
        intersecting.ShouldContain("sthlm-assets:TK-BRO-0417-S1");
    }

    [Fact]
    public async Task One_object_by_an_id_with_colons_and_spaces()
    {
        var data = await server.DataAsync("""{ mapObject(id: "sthlm-parcels:Södermalm 5:2") { id kind owner { key } geometry attributes } }""");
        var o = data.GetProperty("mapObject");
        o.GetProperty("kind").GetString().ShouldBe("parcel");
        o.GetProperty("owner").GetProperty("key").GetString().ShouldBe("exploateringskontoret");
        o.GetProperty("geometry").GetProperty("type").GetString().ShouldBe("Polygon");
        var lon = o.GetProperty("geometry").GetProperty("coordinates")[0][0][0].GetDouble();
        lon.ShouldBeInRange(18.0, 18.2);
        o.GetProperty("attributes").ValueKind.ShouldBe(JsonValueKind.Object);
        (await server.DataAsync("""{ mapObject(id: "sthlm-parcels:none") { id } }""")).GetProperty("mapObject").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Geometry_comes_in_an_asked_crs_too()
    {
        var data = await server.DataAsync("""{ mapObject(id: "hki-assets:HKI-PUISTO-0310") { wgs: geometry gk25: geometry(crs: "EPSG:3879") } }""");
        var gk25 = data.GetProperty("mapObject").GetProperty("gk25");
        var easting = gk25.GetProperty("coordinates")[0][0][0].GetDouble();
        easting.ShouldBeInRange(25_496_000, 25_497_000);
        var (_, bad) = await server.GraphQLAsync("""{ mapObject(id: "hki-assets:HKI-PUISTO-0310") { geometry(crs: "EPSG:999999") } }""");
        bad.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("BAD_CRS");
    }

    [Theory]
    [InlineData("""{ "first": 501 }""", "PAGE_TOO_LARGE")]
    [InlineData("""{ "after": "not-a-cursor" }""", "BAD_CURSOR")]
    [InlineData("""{ "orderBy": "DISTANCE" }""", "BAD_REQUEST")]
    [InlineData("""{ "filter": { "intersects": { "type": "Polygon", "coordinates": [[1, 2]] } } }""", "BAD_GEOJSON")]
    [InlineData("""{ "filter": { "bbox": { "minX": 0, "minY": 0, "maxX": 1, "maxY": 1, "crs": "EPSG:0" } } }""", "BAD_CRS")]
    [InlineData("""{ "filter": { "text": "'; DROP TABLE layers; --" } }""", null)]
    public async Task Bad_input_gets_a_code_and_injection_is_just_text(string variables, string? code)
    {
        var (status, body) = await server.GraphQLAsync(Page, JsonDocument.Parse(variables).RootElement);
        status.ShouldBe(200, body.ToString());
        if (code is null)
        {
            body.GetProperty("data").GetProperty("mapObjects").GetProperty("totalCount").GetInt64().ShouldBe(0);
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layers")).ShouldBeGreaterThan(0);
            return;
        }
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe(code, body.ToString());
    }
}

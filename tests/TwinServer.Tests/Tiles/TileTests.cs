using System.Net;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using VectorTileAddress = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace DigitalTwin.Server.Tests.Tiles;

/// <summary>/tiles/{layer}/{z}/{x}/{y}.mvt on the sample city: what a tile holds, its cache, and bad addresses.</summary>
public sealed class TileTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    // The z16 tile with Götgatan 78 (sthlm-buildings:B3103, at 18.0768, 59.3091).
    private const int Z = 16, X = 36058, Y = 19280;

    private static string Path(string layer, int z = Z, int x = X, int y = Y) => $"/tiles/{layer}/{z}/{x}/{y}.mvt";

    [Fact]
    public async Task A_tile_holds_the_objects_there_in_place_with_the_attributes_the_map_needs()
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync(Path("sthlm-buildings"));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.mapbox-vector-tile");

        var tile = new MapboxTileReader().Read(await response.Content.ReadAsStreamAsync(), new VectorTileAddress(X, Y, Z));
        var layer = tile.Layers.ShouldHaveSingleItem();
        layer.Name.ShouldBe("sthlm-buildings");
        // The object's id is layer:source_id; the tile carries the source id, and the MVT layer is named after the layer.
        var building = layer.Features.Single(f => (string)f.Attributes["source_id"] == "B3103");
        building.Attributes["kind"].ShouldBe("building");
        building.Attributes["owner"].ShouldBe("soderbostader");
        building.Attributes["address"].ShouldBe("Götgatan 78");
        building.Geometry.OgcGeometryType.ShouldBe(NetTopologySuite.Geometries.OgcGeometryType.Polygon);
        // Where the sample says it stands (the reader gives WGS84), within the tile grid's precision.
        building.Geometry.Centroid.X.ShouldBe(18.0768, 0.0005);
        building.Geometry.Centroid.Y.ShouldBe(59.3091, 0.0005);
        building.Attributes.GetNames().ShouldNotContain("attributes"); // only what the map draws and picks by
    }

    [Fact]
    public async Task Tiles_are_cached_by_version_and_revalidated_by_etag()
    {
        using var client = await server.IntegrationClientAsync();
        var version = await server.Database.ScalarAsync<int>("SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = 'sthlm-buildings'");

        using var first = await client.GetAsync(Path("sthlm-buildings"));
        first.Headers.CacheControl!.NoCache.ShouldBeTrue(); // no version named: ask again each time
        var etag = first.Headers.ETag!;
        using var second = await client.GetAsync(Path("sthlm-buildings"));
        (await second.Content.ReadAsByteArrayAsync()).ShouldBe(await first.Content.ReadAsByteArrayAsync());

        using var conditional = new HttpRequestMessage(HttpMethod.Get, Path("sthlm-buildings"));
        conditional.Headers.IfNoneMatch.Add(etag);
        using var notModified = await client.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var pinned = await client.GetAsync(Path("sthlm-buildings") + $"?v={version}");
        pinned.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromDays(365));
        using var stale = await client.GetAsync(Path("sthlm-buildings") + $"?v={version + 100}");
        stale.Headers.CacheControl!.NoCache.ShouldBeTrue(); // the version asked for no longer serves: never cache it for good
    }

    [Theory]
    [InlineData(Z, 0, 0)] // far outside the layer's extent
    [InlineData(11, 1126, 601)] // buildings are not drawn below z13
    public async Task A_tile_with_nothing_to_draw_is_204(int z, int x, int y)
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync(Path("sthlm-buildings", z, x, y));
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Theory]
    [InlineData("/tiles/sthlm-buildings/16/36058/19280.png", 400, "BAD_TILE", "/tiles/{layer}/{z}/{x}/{y}.mvt")]
    [InlineData("/tiles/sthlm-buildings/abc/1/1.mvt", 400, "BAD_TILE", "zoom")]
    [InlineData("/tiles/sthlm-buildings/25/1/1.mvt", 400, "BAD_TILE", "zoom")]
    [InlineData("/tiles/sthlm-buildings/2/4/1.mvt", 400, "BAD_TILE", "from 0 to 3")]
    [InlineData("/tiles/sthlm-buildings/2/1/-1.mvt", 400, "BAD_TILE", "from 0 to 3")]
    [InlineData("/tiles/Sthlm%20Buildings/2/1/1.mvt", 400, "BAD_LAYER_NAME", "layer name")]
    [InlineData("/tiles/no-such-layer/2/1/1.mvt", 404, "UNKNOWN_LAYER", "no layer 'no-such-layer'")]
    public async Task A_bad_address_gets_a_problem_with_a_code_and_a_clear_detail(string path, int status, string code, string message)
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync(path);
        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        problem.GetProperty("code").GetString().ShouldBe(code);
        problem.GetProperty("status").GetInt32().ShouldBe(status);
        problem.GetProperty("detail").GetString()!.ShouldContain(message);
    }

    [Theory]
    [InlineData(null, 401, "UNAUTHENTICATED")]
    [InlineData("twin_not-a-key-anyone-made", 401, "UNAUTHENTICATED")]
    [InlineData("citizen-app", 403, "FORBIDDEN")]
    public async Task A_caller_without_access_gets_a_problem_with_a_code(string? key, int status, string code)
    {
        using var client = server.CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key == "citizen-app" ? await server.KeyAsync(key) : key);
        using var response = await client.GetAsync(Path("sthlm-buildings", Z, 0, 0));
        ((int)response.StatusCode).ShouldBe(status);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe(code);
    }
}

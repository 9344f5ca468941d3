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

    [Fact]
    public async Task A_tile_of_several_layers_holds_each_layers_own_tile_in_the_order_asked_and_is_cached_when_every_version_is_named()
    {
        using var client = await server.IntegrationClientAsync();
        var versions = new Dictionary<string, int>();
        foreach (var name in new[] { "sthlm-parcels", "sthlm-buildings", "sthlm-contracts" })
            versions[name] = await server.Database.ScalarAsync<int>($"SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = '{name}'");
        var layers = string.Join(',', versions.Select(v => $"{v.Key}:{v.Value}"));

        using var response = await client.GetAsync($"/tiles/{Z}/{X}/{Y}.mvt?layers={layers}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.mapbox-vector-tile");
        response.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromDays(365));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var tile = new MapboxTileReader().Read(new MemoryStream(bytes), new VectorTileAddress(X, Y, Z));
        tile.Layers.Select(l => l.Name).ShouldBe(versions.Keys);
        tile.Layers[1].Features.ShouldContain(f => (string)f.Attributes["source_id"] == "B3103");

        // Byte for byte the layers' own tiles, one after another.
        var own = new List<byte>();
        foreach (var name in versions.Keys) own.AddRange(await client.GetByteArrayAsync(Path(name)));
        bytes.ShouldBe(own.ToArray());

        // A version that no longer serves, or none named: revalidated by an ETag of what serves.
        using var stale = await client.GetAsync($"/tiles/{Z}/{X}/{Y}.mvt?layers=sthlm-parcels:{versions["sthlm-parcels"] + 100},sthlm-buildings");
        stale.Headers.CacheControl!.NoCache.ShouldBeTrue();
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/tiles/{Z}/{X}/{Y}.mvt?layers=sthlm-parcels,sthlm-buildings");
        conditional.Headers.IfNoneMatch.Add(stale.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        // Where none of them has anything, or below every kind's lowest zoom: nothing to draw.
        using var empty = await client.GetAsync($"/tiles/{Z}/0/0.mvt?layers={layers}");
        empty.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var low = await client.GetAsync("/tiles/11/1126/601.mvt?layers=sthlm-parcels,sthlm-buildings");
        low.StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_tile_of_more_layers_than_a_map_draws_is_refused()
    {
        using var client = await server.IntegrationClientAsync();
        var many = string.Join(',', Enumerable.Range(0, 65).Select(i => $"layer-{i}"));
        using var response = await client.GetAsync($"/tiles/16/36058/19280.mvt?layers={many}");
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("more than 64 layers");
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
    // A tile of several layers: the detail names the part of 'layers' that is wrong.
    [InlineData("/tiles/16/36058/19280.mvt", 400, "BAD_TILE", "layers=")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=", 400, "BAD_TILE", "layers=")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=a&layers=b", 400, "BAD_TILE", "layers=")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=sthlm-buildings,,sthlm-parcels", 400, "BAD_LAYER_NAME", "'' (in 'layers')")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=Sthlm%20Buildings", 400, "BAD_LAYER_NAME", "'Sthlm Buildings' (in 'layers')")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=sthlm-buildings:x", 400, "BAD_TILE", "version number")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=sthlm-buildings:-1", 400, "BAD_TILE", "version number")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=sthlm-buildings,sthlm-buildings:1", 400, "BAD_TILE", "twice")]
    [InlineData("/tiles/16/36058/19280.mvt?layers=sthlm-buildings,no-such-layer", 404, "UNKNOWN_LAYER", "no layer 'no-such-layer'")]
    [InlineData("/tiles/16/36058/19280.png?layers=sthlm-buildings", 400, "BAD_TILE", "?layers=")]
    [InlineData("/tiles/17/1/1.mvt?layers=sthlm-buildings:99999999999", 400, "BAD_TILE", "version number")]
    [InlineData("/tiles/2/4/1.mvt?layers=sthlm-buildings", 400, "BAD_TILE", "from 0 to 3")]
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
        foreach (var path in new[] { Path("sthlm-buildings", Z, 0, 0), $"/tiles/{Z}/0/0.mvt?layers=sthlm-buildings" })
        {
            using var response = await client.GetAsync(path);
            ((int)response.StatusCode).ShouldBe(status, path);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe(code);
        }
    }
}

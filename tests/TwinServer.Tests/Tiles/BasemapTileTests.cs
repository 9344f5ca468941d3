using System.Net;
using System.Text.Json;
using DigitalTwin.Data.Domain;
using NetTopologySuite.IO.VectorTiles.Mapbox;
using VectorTileAddress = NetTopologySuite.IO.VectorTiles.Tiles.Tile;

namespace DigitalTwin.Server.Tests.Tiles;

/// <summary>
/// /tiles/basemap/{z}/{x}/{y}.mvt on the sample city: the background map's streets, blocks, parks and water, and that
/// the basemap is never a layer of responsibility (docs/decisions.md, "The basemap is not a layer").
/// </summary>
public sealed class BasemapTileTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    // The z16 tile with Götgatan x Ringvägen at Skanstull (as TileTests' building tile).
    private const int Z = 16, X = 36058, Y = 19280;

    // A block of the basemap north-west of the Stockholm district: no layer has anything there.
    private const double BlockLon = 18.068473, BlockLat = 59.310858;

    [Fact]
    public async Task A_basemap_tile_holds_named_streets_blocks_and_parks_of_the_sample_city()
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync($"/tiles/basemap/{Z}/{X}/{Y}.mvt");
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/vnd.mapbox-vector-tile");

        var tile = new MapboxTileReader().Read(await response.Content.ReadAsStreamAsync(), new VectorTileAddress(X, Y, Z));
        var layer = tile.Layers.ShouldHaveSingleItem();
        layer.Name.ShouldBe("basemap");
        var classes = layer.Features.Select(f => (string)f.Attributes["class"]).Distinct().ToList();
        classes.ShouldContain("street");
        classes.ShouldContain("block");
        classes.ShouldContain("park");
        var streets = layer.Features.Where(f => (string)f.Attributes["class"] == "street").Select(f => (string)f.Attributes["name"]).ToList();
        streets.ShouldContain("Götgatan");
        streets.ShouldContain("Ringvägen");
        // Götgatan runs north-south under the sample's street asset (x = 0 of the district: 18.07637).
        var gotgatan = layer.Features.First(f => (string)f.Attributes["class"] == "street" && (string)f.Attributes["name"] == "Götgatan");
        gotgatan.Geometry.Centroid.X.ShouldBe(18.0764, 0.0005);
    }

    [Fact]
    public async Task Basemap_tiles_are_revalidated_by_etag_and_empty_far_out()
    {
        using var client = await server.IntegrationClientAsync();
        using var first = await client.GetAsync($"/tiles/basemap/{Z}/{X}/{Y}.mvt");
        first.Headers.CacheControl!.NoCache.ShouldBeTrue();
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"/tiles/basemap/{Z}/{X}/{Y}.mvt");
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await client.SendAsync(conditional);
        notModified.StatusCode.ShouldBe(HttpStatusCode.NotModified);

        using var farOut = await client.GetAsync("/tiles/basemap/16/0/0.mvt");
        farOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        using var cityZoom = await client.GetAsync("/tiles/basemap/9/281/150.mvt");
        cityZoom.StatusCode.ShouldBe(HttpStatusCode.NoContent); // below BasemapTiles.MinZoom
    }

    [Theory]
    [InlineData("/tiles/basemap/16/36058/19280.png", 400, "BAD_TILE")]
    [InlineData("/tiles/basemap/2/4/1.mvt", 400, "BAD_TILE")]
    [InlineData("/tiles/basemap.json", 400, "BAD_LAYER_NAME")] // not a layer: no TileJSON
    [InlineData("/ogc/collections/basemap", 404, null)]
    public async Task The_basemap_is_addressed_only_as_tiles(string path, int status, string? code)
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync(path);
        ((int)response.StatusCode).ShouldBe(status);
        if (code is not null) (await response.Content.ReadAsStringAsync()).ShouldContain(code);
    }

    [Fact]
    public async Task Basemap_tiles_need_the_same_access_as_the_layers()
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync($"/tiles/basemap/{Z}/{X}/{Y}.mvt");
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_basemap_is_never_a_layer_of_responsibility()
    {
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM basemap_features")).ShouldBeGreaterThan(0);

        var (status, body) = await server.GraphQLAsync("{ layers { name kind } }");
        status.ShouldBe(200);
        var layers = body.GetProperty("data").GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()).ToList();
        layers.ShouldNotContain(LayerNames.Basemap);
        layers.Count.ShouldBe(13); // the sample's layers, as sample.json lists them

        // On a basemap block the stack is empty: open ground as far as responsibility knows.
        (status, body) = await server.GraphQLAsync(
            $$"""{ responsibility(at: { x: {{BlockLon}}, y: {{BlockLat}} }, taskType: "graffiti") { stack { id kind } } }""");
        status.ShouldBe(200, body.ToString());
        body.GetProperty("data").GetProperty("responsibility").GetProperty("stack").GetArrayLength().ShouldBe(0);

        // At the bridge pillar the stack holds the sample's objects only.
        (status, body) = await server.GraphQLAsync("""{ responsibility(at: { x: 18.076363, y: 59.305782 }, taskType: "graffiti") { stack { id kind } } }""");
        var stack = body.GetProperty("data").GetProperty("responsibility").GetProperty("stack").EnumerateArray().ToList();
        stack.ShouldNotBeEmpty();
        stack.ShouldAllBe(o => !o.GetProperty("id").GetString()!.StartsWith("basemap", StringComparison.Ordinal) && LayerKinds.IsKnown(o.GetProperty("kind").GetString()));

        using var client = await server.IntegrationClientAsync();
        var collections = JsonDocument.Parse(await client.GetStringAsync("/ogc/collections")).RootElement.GetProperty("collections");
        collections.EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldNotContain(LayerNames.Basemap);
    }
}

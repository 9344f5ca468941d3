namespace DigitalTwin.Server.Tiles;

/// <summary>
/// <c>/tiles/basemap/{z}/{x}/{y}.mvt</c>: the background map's vector tiles (streets with names, blocks, parks, water;
/// migration 0021), which the map draws under the layers when no WMTS or XYZ basemap is configured. Not a layer: the
/// name <c>basemap</c> is reserved (<see cref="LayerNames.Basemap"/>), and this literal route wins over
/// <c>/tiles/{layer}/...</c>. Tiles are cached by what is loaded (the highest feature id); the browser revalidates by ETag.
/// </summary>
internal static class BasemapTiles
{
    /// <summary>Below this zoom a tile is empty (204): the basemap is a few streets around each district.</summary>
    public const int MinZoom = 10;

    public static void MapTwinBasemapTiles(this IEndpointRouteBuilder app) =>
        app.MapGet("/tiles/" + LayerNames.Basemap + "/{z}/{x}/{y}", HandleAsync).WithName("basemap-tile").RequireAuthorization(Access.AccessExtensions.ReaderPolicy);

    private static async Task<IResult> HandleAsync(HttpContext http, string z, string x, string y, TileStore store, CancellationToken cancellationToken)
    {
        if (!TileAddress.TryParse(z, x, y, out var tile, out var problem)) return problem!;
        var revision = await store.BasemapRevisionAsync(cancellationToken);
        if (revision == 0) return Results.NoContent(); // no basemap loaded: the map shows its plain background

        if (TileCaching.NotModified(http, $"basemap-{revision}-{tile.Z}-{tile.X}-{tile.Y}", pinned: false) is { } notModified) return notModified;
        if (tile.Z < MinZoom) return Results.NoContent();
        var bytes = await store.BasemapTileAsync(revision, tile, cancellationToken);
        return bytes.Length == 0 ? Results.NoContent() : Results.Bytes(bytes, TileEndpoints.MediaType);
    }
}

using System.Globalization;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Tiles;

/// <summary>Settings of the vector tiles.</summary>
public sealed class TileOptions
{
    /// <summary>
    /// The lowest zoom each kind of layer is drawn at; below it a tile is empty (204), since a tile of a whole region's
    /// parcels would be megabytes of specks. Areas and contract areas are drawn from the start.
    /// </summary>
    public Dictionary<string, int> MinZoom { get; set; } = new(StringComparer.Ordinal)
    {
        [LayerKinds.Parcel] = 12, [LayerKinds.Building] = 13, [LayerKinds.Asset] = 11, [LayerKinds.Area] = 0, [LayerKinds.Contract] = 0, [LayerKinds.Subcontract] = 0,
    };

    /// <summary>Memory for cached tiles, in MiB.</summary>
    public int CacheMegabytes { get; set; } = 128;
}

/// <summary>
/// <c>/tiles/{layer}/{z}/{x}/{y}.mvt</c>: Mapbox vector tiles of a layer's serving version (product contract section 4).
/// Every request asks the database which version serves, so an import shows at once; tiles are cached by version
/// (a new version is a new key). <c>?v=N</c> (the layer's version number, as the map asks) makes a tile of the version
/// it names cacheable by the browser for good; without it, or when N no longer serves, the browser revalidates by ETag.
/// </summary>
internal static partial class TileEndpoints
{
    public const string MediaType = "application/vnd.mapbox-vector-tile";

    public static IServiceCollection AddTwinTiles(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TileOptions>().Bind(configuration.GetSection("Tiles"))
            .Validate(o => o.MinZoom.Keys.All(LayerKinds.IsKnown), $"Tiles:MinZoom names a kind that is not a layer kind ({string.Join(", ", LayerKinds.All)})")
            .Validate(o => o.MinZoom.Values.All(z => z is >= 0 and <= 24), "Tiles:MinZoom has a zoom outside 0 to 24")
            .Validate(o => o.CacheMegabytes is >= 0 and <= 65536, "Tiles:CacheMegabytes is not between 0 and 65,536")
            .ValidateOnStart();
        return services.AddSingleton<TileStore>();
    }

    public static void MapTwinTiles(this IEndpointRouteBuilder app)
    {
        app.MapGet("/tiles/{layer}/{z}/{x}/{y}", HandleAsync).WithName("tile").RequireAuthorization(Access.AccessExtensions.ReaderPolicy);
        app.MapGet("/tiles/{z}/{x}/{y}", LayerSetTiles.HandleAsync).WithName("layer-set-tile").RequireAuthorization(Access.AccessExtensions.ReaderPolicy);
        app.MapTwinBasemapTiles();
        app.MapTwinTileJson();
    }

    private static async Task<IResult> HandleAsync(HttpContext http, string layer, string z, string x, string y, TileStore store,
        IOptions<TileOptions> options, CancellationToken cancellationToken)
    {
        if (!LayerNames.IsValid(layer)) return ProblemResults.Of(ErrorCodes.BadLayerName, $"'{layer}' is not a layer name: {LayerNames.Rule}.");
        if (!TileAddress.TryParse(z, x, y, out var tile, out var problem)) return problem!;
        var (zoom, column, row) = tile;

        var serving = await store.ServingVersionAsync(layer, cancellationToken);
        if (serving is null) return ProblemResults.Of(ErrorCodes.UnknownLayer, $"There is no layer '{layer}'; GraphQL's layers lists them.");
        var (version, kind) = serving.Value;
        if (version is null) return Results.NoContent(); // created, but no import has committed yet

        var pinned = http.Request.Query["v"] is { Count: 1 } v && v[0] == version.Value.Number.ToString(CultureInfo.InvariantCulture);
        if (TileCaching.NotModified(http, $"{version.Value.Id}-{zoom}-{column}-{row}", pinned) is { } notModified) return notModified;

        if (zoom < options.Value.MinZoom.GetValueOrDefault(kind, 0)) return Results.NoContent();
        var bytes = await store.TileAsync(version.Value.Id, layer, zoom, column, row, cancellationToken);
        return bytes.Length == 0 ? Results.NoContent() : Results.Bytes(bytes, MediaType);
    }
}

using System.Globalization;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Tiles;

/// <summary>
/// <c>/tiles/{layer}.json</c>: a TileJSON 3.0 document for a layer's vector tiles, which QGIS, ArcGIS, MapLibre and
/// OpenLayers read to find the tile URL, the zooms, the bounds and the attributes. Its tile URL names the serving
/// version (<c>?v=N</c>), so tiles are cached by the client for good and a re-import gives a new document and new URLs.
/// </summary>
internal static class TileJson
{
    /// <summary>The zoom clients over-zoom from: tiles are made to z24, but a z22 tile already shows a building's corners.</summary>
    private const int MaxZoom = 22;

    /// <summary>The attributes each tile's features carry (tile.sql), all text.</summary>
    private static readonly string[] Fields =
        ["source_id", "kind", "type", "name", "address", "owner", "manager", "contractor", "commissioner", "subcontractor", "task_types"];

    public static void MapTwinTileJson(this IEndpointRouteBuilder app) =>
        app.MapGet("/tiles/{layer}.json", HandleAsync).RequireAuthorization(Access.AccessExtensions.ReaderPolicy);

    private static async Task<IResult> HandleAsync(HttpContext http, string layer, TileStore store, LayerExtents extents, IOptions<TileOptions> options,
        CancellationToken cancellationToken)
    {
        if (!LayerNames.IsValid(layer)) return ProblemResults.Of(ErrorCodes.BadLayerName, $"'{layer}' is not a layer name: {LayerNames.Rule}.");
        var serving = await store.ServingVersionAsync(layer, cancellationToken);
        if (serving is not ({ } version, var kind)) return ProblemResults.Of(ErrorCodes.UnknownLayer, $"There is no layer '{layer}' serving; GraphQL's layers lists them.");
        var box = await extents.OfVersionAsync(version.Id, cancellationToken);
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        var minZoom = options.Value.MinZoom.GetValueOrDefault(kind, 0);
        double[] bounds = box is null ? [-180, -85.051129, 180, 85.051129] : [box.West, box.South, box.East, box.North];
        var centreZoom = Math.Max(minZoom, 14);
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Json(new Dictionary<string, object?>
        {
            ["tilejson"] = "3.0.0",
            ["name"] = layer,
            ["description"] = $"Vector tiles of layer {layer} ({kind}), version {version.Number}, in EPSG:3857.",
            ["version"] = "1.0.0",
            ["scheme"] = "xyz",
            ["tiles"] = new[] { $"{root}/tiles/{Uri.EscapeDataString(layer)}/{{z}}/{{x}}/{{y}}.mvt?v={version.Number.ToString(CultureInfo.InvariantCulture)}" },
            ["minzoom"] = minZoom,
            ["maxzoom"] = MaxZoom,
            ["bounds"] = bounds,
            ["center"] = new double[] { (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, centreZoom },
            ["vector_layers"] = new[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = layer, ["minzoom"] = minZoom, ["maxzoom"] = MaxZoom,
                    ["fields"] = Fields.ToDictionary(f => f, _ => "String", StringComparer.Ordinal),
                },
            },
        }, contentType: "application/json");
    }
}

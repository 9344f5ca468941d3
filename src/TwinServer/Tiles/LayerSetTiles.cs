using System.Globalization;
using System.Text;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Tiles;

/// <summary>
/// <c>/tiles/{z}/{x}/{y}.mvt?layers=a:1,b:2</c>: one tile of several layers, as the map asks for them: one request per
/// tile instead of one per tile and layer. A Mapbox vector tile is a list of layers, and protobuf concatenates repeated
/// fields, so the answer is the layers' own cached tiles (<see cref="TileStore.TileAsync"/>) one after another, in the
/// order asked (the MVT layers keep the layers' names). Each item is a layer's name, with <c>:N</c> its version
/// number as the map knows it; when every item names the version that serves, the answer is cacheable for good,
/// otherwise it is revalidated by an ETag of the serving versions, as <c>/tiles/{layer}/...</c> does.
/// </summary>
internal static class LayerSetTiles
{
    /// <summary>The most layers one tile may ask for: more than a map draws, and a bound on one request's work.</summary>
    public const int MaxLayers = 64;

    private readonly record struct Item(string Layer, string? Number);

    public static async Task<IResult> HandleAsync(HttpContext http, string z, string x, string y, TileStore store,
        IOptions<TileOptions> options, CancellationToken cancellationToken)
    {
        if (!TileAddress.TryParse(z, x, y, out var tile, out var problem)) return problem!;
        if (!TryParse(http.Request.Query["layers"], out var items, out problem)) return problem!;

        // Which version of each serves: remembered by the node (see TileStore), so a cached tile costs no round trip.
        var serving = new List<(string Layer, TileStore.Serving Version, string Kind)>(items.Count);
        var pinned = true;
        foreach (var item in items)
        {
            var known = await store.ServingVersionAsync(item.Layer, cancellationToken);
            if (known is null) return ProblemResults.Of(ErrorCodes.UnknownLayer, $"There is no layer '{item.Layer}' (in 'layers'); GraphQL's layers lists them.");
            var (version, kind) = known.Value;
            pinned &= version is not null && item.Number == version.Value.Number.ToString(CultureInfo.InvariantCulture);
            if (version is not null) serving.Add((item.Layer, version.Value, kind));
        }

        var tag = new StringBuilder("set");
        foreach (var (_, version, _) in serving) tag.Append('-').Append(version.Id.ToString(CultureInfo.InvariantCulture));
        tag.Append(CultureInfo.InvariantCulture, $"-{tile.Z}-{tile.X}-{tile.Y}");
        if (TileCaching.NotModified(http, tag.ToString(), pinned) is { } notModified) return notModified;

        var drawn = serving.Where(s => tile.Z >= options.Value.MinZoom.GetValueOrDefault(s.Kind, 0)).ToList();
        var parts = await Task.WhenAll(drawn.Select(s => store.TileAsync(s.Version.Id, s.Layer, tile.Z, tile.X, tile.Y, cancellationToken)));
        var length = parts.Sum(p => p.Length);
        if (length == 0) return Results.NoContent();
        var bytes = new byte[length];
        var at = 0;
        foreach (var part in parts)
        {
            part.CopyTo(bytes, at);
            at += part.Length;
        }
        return Results.Bytes(bytes, TileEndpoints.MediaType);
    }

    /// <summary>The <c>layers</c> parameter: one to <see cref="MaxLayers"/> items <c>name</c> or <c>name:N</c>, no layer twice.</summary>
    private static bool TryParse(Microsoft.Extensions.Primitives.StringValues values, out List<Item> items, out IResult? problem)
    {
        items = [];
        problem = null;
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            problem = ProblemResults.Of(ErrorCodes.BadTile, "A tile of several layers names them once in 'layers': /tiles/{z}/{x}/{y}.mvt?layers=a:1,b:2 (each a layer's name, with ':' and its version number if known).");
            return false;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in values[0]!.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            var layer = colon < 0 ? part : part[..colon];
            var number = colon < 0 ? null : part[(colon + 1)..];
            if (!LayerNames.IsValid(layer))
                problem = ProblemResults.Of(ErrorCodes.BadLayerName, $"'{layer}' (in 'layers') is not a layer name: {LayerNames.Rule}.");
            else if (number is not null && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                problem = ProblemResults.Of(ErrorCodes.BadTile, $"'{part}' (in 'layers'): after ':' comes the layer's version number, a whole number; it was '{number}'.");
            else if (!seen.Add(layer))
                problem = ProblemResults.Of(ErrorCodes.BadTile, $"'layers' names '{layer}' twice.");
            else if (seen.Count > MaxLayers)
                problem = ProblemResults.Of(ErrorCodes.BadTile, $"'layers' names more than {MaxLayers} layers.");
            if (problem is not null) return false;
            items.Add(new Item(layer, number));
        }
        return true;
    }
}

using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Tiles;

/// <summary>A tile's address in the XYZ scheme of EPSG:3857, as the routes <c>.../{z}/{x}/{y}.mvt</c> give it.</summary>
public readonly record struct TileAddress(int Z, int X, int Y)
{
    public const int MaxZoom = 24;

    /// <summary>The address from the route's segments, or the problem (400 <c>BAD_TILE</c>) that says what is wrong.</summary>
    public static bool TryParse(string z, string x, string y, out TileAddress address, out IResult? problem)
    {
        address = default;
        problem = null;
        if (!y.EndsWith(".mvt", StringComparison.Ordinal))
            problem = ProblemResults.Of(ErrorCodes.BadTile, "Tiles are addressed as /tiles/{layer}/{z}/{x}/{y}.mvt, or /tiles/{z}/{x}/{y}.mvt?layers=... for several layers.");
        else if (!int.TryParse(z, out var zoom) || zoom is < 0 or > MaxZoom)
            problem = ProblemResults.Of(ErrorCodes.BadTile, $"The zoom must be a whole number from 0 to {MaxZoom}; it was '{z}'.");
        else if (!int.TryParse(x, out var column) || column < 0 || column >= 1L << zoom || !int.TryParse(y[..^4], out var row) || row < 0 || row >= 1L << zoom)
            problem = ProblemResults.Of(ErrorCodes.BadTile, $"At zoom {zoom}, x and y must be whole numbers from 0 to {(1L << zoom) - 1}; they were '{x}' and '{y[..^4]}'.");
        else
            address = new TileAddress(zoom, column, row);
        return problem is null;
    }
}

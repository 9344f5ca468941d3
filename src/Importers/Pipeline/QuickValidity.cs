using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// A fast acceptance test for the overwhelmingly common feature of a GIS layer: a polygon with one small ring.
/// It answers only "certainly valid" or "don't know": a ring of at most <see cref="MaxPoints"/> points whose
/// non-adjacent edges neither cross nor touch, whose adjacent edges do not fold back, and which encloses an area.
/// Any orientation test too close to zero to trust is "don't know". Everything else goes to NetTopologySuite's
/// IsValidOp, which also writes the message; this exists because IsValidOp's general noding costs about 6 µs
/// per parcel, a third of an import's CPU.
/// </summary>
internal static class QuickValidity
{
    public const int MaxPoints = 64;

    public static bool IsCertainlyValid(Geometry geometry) => geometry switch
    {
        Polygon { NumInteriorRings: 0 } polygon => IsSimpleShell(polygon.ExteriorRing.CoordinateSequence),
        MultiPolygon { NumGeometries: 1 } multi => multi.GetGeometryN(0) is Polygon { NumInteriorRings: 0 } only && IsSimpleShell(only.ExteriorRing.CoordinateSequence),
        _ => false,
    };

    private static bool IsSimpleShell(CoordinateSequence sequence)
    {
        var count = sequence.Count;
        if (count < 4 || count > MaxPoints) return false;
        Span<double> xs = stackalloc double[MaxPoints];
        Span<double> ys = stackalloc double[MaxPoints];
        var n = 0;
        for (var i = 0; i < count; i++)
        {
            double x = sequence.GetX(i), y = sequence.GetY(i);
            if (!double.IsFinite(x) || !double.IsFinite(y)) return false;
            if (n > 0 && xs[n - 1] == x && ys[n - 1] == y) continue; // repeated points are allowed: skip them
            xs[n] = x;
            ys[n] = y;
            n++;
        }
        if (n < 4 || xs[0] != xs[n - 1] || ys[0] != ys[n - 1]) return false;

        var segments = n - 1;
        var area2 = 0.0;
        for (var i = 0; i < segments; i++) area2 += xs[i] * ys[i + 1] - xs[i + 1] * ys[i];
        if (Math.Abs(area2) <= 1e-9 * Scale(xs[..n], ys[..n])) return false;

        for (var i = 0; i < segments; i++)
        {
            for (var j = i + 1; j < segments; j++)
            {
                var adjacent = j == i + 1 || (i == 0 && j == segments - 1);
                if (adjacent)
                {
                    // Shared vertex: the edges may only meet there; folding back along the same line is a spike.
                    int a = i, b = i + 1, c = j + 1;
                    if (j != i + 1) (a, b, c) = (j, 0, 1); // the closing edge and the first edge share point 0
                    var o = Orient(xs[a], ys[a], xs[b], ys[b], xs[c], ys[c]);
                    if (o == 0) return false;
                    continue;
                }
                var o1 = Orient(xs[i], ys[i], xs[i + 1], ys[i + 1], xs[j], ys[j]);
                var o2 = Orient(xs[i], ys[i], xs[i + 1], ys[i + 1], xs[j + 1], ys[j + 1]);
                var o3 = Orient(xs[j], ys[j], xs[j + 1], ys[j + 1], xs[i], ys[i]);
                var o4 = Orient(xs[j], ys[j], xs[j + 1], ys[j + 1], xs[i + 1], ys[i + 1]);
                if (o1 == 0 || o2 == 0 || o3 == 0 || o4 == 0) return false; // touching or too close to tell
                if (o1 != o2 && o3 != o4) return false; // the edges cross
            }
        }
        return true;
    }

    /// <summary>The side of c relative to a→b: 1, -1, or 0 when the determinant is too small to trust.</summary>
    private static int Orient(double ax, double ay, double bx, double by, double cx, double cy)
    {
        double ux = bx - ax, uy = by - ay, vx = cx - ax, vy = cy - ay;
        var det = ux * vy - uy * vx;
        var bound = 1e-12 * (Math.Abs(ux * vy) + Math.Abs(uy * vx));
        if (det > bound) return 1;
        if (det < -bound) return -1;
        return 0;
    }

    private static double Scale(ReadOnlySpan<double> xs, ReadOnlySpan<double> ys)
    {
        double minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        for (var i = 0; i < xs.Length; i++)
        {
            minX = Math.Min(minX, xs[i]); maxX = Math.Max(maxX, xs[i]);
            minY = Math.Min(minY, ys[i]); maxY = Math.Max(maxY, ys[i]);
        }
        return (maxX - minX) * (maxY - minY) + double.Epsilon;
    }
}

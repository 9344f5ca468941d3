using System.Buffers;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// Reprojects geometries from one EPSG code to another with ProjNet, in process; x is always easting or longitude, y
/// northing or latitude, whatever axis order the authority defines. Made by <see cref="CrsCatalog.CreateReprojector"/>.
/// </summary>
internal sealed class GeometryReprojector : IReprojector
{
    private readonly ICoordinateStep[] steps;

    /// <summary>Applies steps one after the other (an inverse projection, then a projection); none for the identity.</summary>
    internal GeometryReprojector(ICoordinateStep[] steps, int sourceSrid, int targetSrid, string method)
    {
        this.steps = steps;
        SourceSrid = sourceSrid;
        TargetSrid = targetSrid;
        Method = method;
    }

    public int SourceSrid { get; }

    public int TargetSrid { get; }

    public string Method { get; }

    public int BatchSize => 1;

    /// <summary>The same transforms, described as <paramref name="method"/> says (why ProjNet was chosen).</summary>
    public GeometryReprojector WithMethod(string method) => new(steps, SourceSrid, TargetSrid, method);

    public ValueTask<Geometry?[]> TransformAsync(IReadOnlyList<Geometry> geometries, CancellationToken cancellationToken)
    {
        var result = new Geometry?[geometries.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Transform(geometries[i]);
        return ValueTask.FromResult(result);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>A reprojected copy of <paramref name="geometry"/> with the target SRID; the input is left as it was.</summary>
    public Geometry Transform(Geometry geometry)
    {
        var copy = geometry.Copy();
        if (steps.Length > 0) copy.Apply(new SequenceTransform(steps));
        SetSrid(copy, TargetSrid);
        return copy;
    }

    /// <summary>
    /// Reprojects <paramref name="geometry"/> itself, for a caller that owns it and needs no copy (the importer, a
    /// million times); its SRID is left as it was, for the writer to stamp. False when a coordinate does not
    /// reproject (comes out infinite or NaN): the geometry is then of no use.
    /// </summary>
    public bool TransformInPlace(Geometry geometry)
    {
        var transform = new SequenceTransform(steps);
        geometry.Apply(transform);
        return transform.AllFinite;
    }

    private static void SetSrid(Geometry geometry, int srid)
    {
        geometry.SRID = srid;
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            var part = geometry.GetGeometryN(i);
            if (!ReferenceEquals(part, geometry)) SetSrid(part, srid);
        }
    }

    /// <summary>
    /// Transforms a whole coordinate sequence at once through ProjNet's span API: one call per ring instead of one
    /// per point, and no allocation per point.
    /// </summary>
    private sealed class SequenceTransform(ICoordinateStep[] steps) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        /// <summary>Whether every coordinate transformed so far came out finite.</summary>
        public bool AllFinite { get; private set; } = true;

        public void Filter(CoordinateSequence seq)
        {
            var count = seq.Count;
            if (count == 0) return;
            var xs = ArrayPool<double>.Shared.Rent(count);
            var ys = ArrayPool<double>.Shared.Rent(count);
            var zs = ArrayPool<double>.Shared.Rent(count);
            try
            {
                for (var i = 0; i < count; i++)
                {
                    xs[i] = seq.GetX(i);
                    ys[i] = seq.GetY(i);
                }
                // A height per point: ProjNet's 2D overload shares one z among all the points of the span, and a datum
                // shift (KKJ, RT90) writes a height there, which the next point then starts from: a ring would not close.
                Array.Clear(zs, 0, count);
                foreach (var step in steps) step.Apply(xs.AsSpan(0, count), ys.AsSpan(0, count), zs.AsSpan(0, count));
                for (var i = 0; i < count; i++)
                {
                    if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i])) AllFinite = false;
                    seq.SetX(i, xs[i]);
                    seq.SetY(i, ys[i]);
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(xs);
                ArrayPool<double>.Shared.Return(ys);
                ArrayPool<double>.Shared.Return(zs);
            }
        }
    }
}

using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;
using NetTopologySuite.Geometries.Utilities;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Drops Z and M from geometries read by libraries that keep them, and turns empty geometries into null, so that every
/// source hands the pipeline the same thing: 2D geometry or none.
/// </summary>
internal static class Flatten
{
    public static Geometry? To2D(Geometry? geometry)
    {
        if (geometry is null || geometry.IsEmpty) return null;
        if (!HasExtraOrdinates(geometry)) return geometry;
        var flat = new DropZm().Transform(geometry);
        flat.SRID = geometry.SRID;
        return flat;
    }

    private static bool HasExtraOrdinates(Geometry geometry)
    {
        var extra = false;
        geometry.Apply(new SequenceProbe(s => extra |= s.Dimension > 2 || s.Measures > 0));
        return extra;
    }

    /// <summary>Rebuilds a geometry with 2D coordinate sequences.</summary>
    private sealed class DropZm : GeometryTransformer
    {
        protected override CoordinateSequence TransformCoordinates(CoordinateSequence coords, Geometry parent)
        {
            var result = new Coordinate[coords.Count];
            for (var i = 0; i < result.Length; i++) result[i] = new Coordinate(coords.GetX(i), coords.GetY(i));
            return CoordinateArraySequenceFactory.Instance.Create(result);
        }
    }

    private sealed class SequenceProbe(Action<CoordinateSequence> probe) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => false;

        public void Filter(CoordinateSequence seq) => probe(seq);
    }
}

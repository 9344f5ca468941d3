using System.Buffers.Binary;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// Writes a geometry as PostGIS's extended WKB (little-endian, the SRID in the outermost header, x and y only), the
/// form the <c>geometry</c> type's binary input reads: what a binary COPY sends for a geometry column. One buffer
/// serves every row; nothing is allocated per geometry.
/// </summary>
/// <remarks>
/// Npgsql's own NetTopologySuite writer does the same through a stream, a BinaryWriter and a boxed enum per ring, twice
/// per row (once to size it): a tenth of an import's allocations. Stored geometries are 2D (the readers drop Z and
/// M), so only x and y are written. Empty parts follow WKB: a point as NaN NaN, anything else as zero members.
/// </remarks>
internal sealed class EwkbWriter
{
    private const uint SridFlag = 0x20000000;

    private byte[] buffer = new byte[4096];
    private int length;

    /// <summary>The bytes of the last <see cref="Write"/>, valid until the next.</summary>
    public ReadOnlyMemory<byte> Written => buffer.AsMemory(0, length);

    /// <summary>Writes <paramref name="geometry"/> with <paramref name="srid"/> in its header; the bytes are in <see cref="Written"/>.</summary>
    public ReadOnlyMemory<byte> Write(Geometry geometry, int srid)
    {
        length = 0;
        WriteGeometry(geometry, srid);
        return Written;
    }

    /// <summary>A geometry as a new array, for tests and one-offs.</summary>
    public static byte[] ToArray(Geometry geometry, int srid) => new EwkbWriter().Write(geometry, srid).ToArray();

    private void WriteGeometry(Geometry geometry, int? srid)
    {
        switch (geometry)
        {
            case Point point:
                Header(1, srid);
                if (point.IsEmpty)
                {
                    Double(double.NaN);
                    Double(double.NaN);
                }
                else
                {
                    Double(point.X);
                    Double(point.Y);
                }
                break;
            case LineString line: // and LinearRing
                Header(2, srid);
                Sequence(line.CoordinateSequence);
                break;
            case Polygon polygon:
                Header(3, srid);
                if (polygon.IsEmpty)
                {
                    UInt(0);
                    break;
                }
                UInt((uint)(1 + polygon.NumInteriorRings));
                Sequence(polygon.ExteriorRing.CoordinateSequence);
                for (var i = 0; i < polygon.NumInteriorRings; i++) Sequence(polygon.GetInteriorRingN(i).CoordinateSequence);
                break;
            case GeometryCollection collection:
                Header(collection switch { MultiPoint => 4u, MultiLineString => 5u, MultiPolygon => 6u, _ => 7u }, srid);
                UInt((uint)collection.NumGeometries);
                for (var i = 0; i < collection.NumGeometries; i++) WriteGeometry(collection.GetGeometryN(i), null);
                break;
            default:
                throw new ArgumentException($"no EWKB for a {geometry.GeometryType}", nameof(geometry));
        }
    }

    private void Header(uint type, int? srid)
    {
        Ensure(9);
        buffer[length++] = 1; // little-endian
        if (srid is { } code)
        {
            UInt(type | SridFlag);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(length), code);
            length += 4;
        }
        else
        {
            UInt(type);
        }
    }

    private void Sequence(CoordinateSequence sequence)
    {
        var count = sequence.Count;
        Ensure(4 + 16 * count);
        UInt((uint)count);
        var span = buffer.AsSpan(length, 16 * count);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(span[(16 * i)..], sequence.GetX(i));
            BinaryPrimitives.WriteDoubleLittleEndian(span[(16 * i + 8)..], sequence.GetY(i));
        }
        length += 16 * count;
    }

    private void UInt(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(length), value);
        length += 4;
    }

    private void Double(double value)
    {
        Ensure(8);
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(length), value);
        length += 8;
    }

    private void Ensure(int more)
    {
        if (length + more > buffer.Length) Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + more));
    }
}

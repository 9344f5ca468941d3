using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Reads one feature table of a GeoPackage: the table named, or the only one there is. The CRS comes from
/// gpkg_spatial_ref_sys (an EPSG code when the organisation is EPSG, else the definition's WKT).
/// </summary>
internal sealed class GeoPackageSource : IFeatureSource
{
    private readonly string path;
    private readonly SqliteFile file;
    private readonly SqliteFile.SchemaEntry table;
    private readonly int geometryColumn;
    private readonly SqliteColumn[] columns;
    private SqliteFile.TableCursor? cursor;
    private bool started;

    private GeoPackageSource(string path, SqliteFile file, SqliteFile.SchemaEntry table, string geometryColumnName, SourceCrs? crs)
    {
        this.path = path;
        this.file = file;
        this.table = table;
        Crs = crs;
        columns = [.. table.Columns];
        geometryColumn = Array.FindIndex(columns, c => c.Name.Equals(geometryColumnName, StringComparison.OrdinalIgnoreCase));
        if (geometryColumn < 0)
            throw new SourceFormatException($"{path}: gpkg_geometry_columns names column {geometryColumnName} of table {table.Name}, which has no such column.");
    }

    public string Format => "GeoPackage";

    public SourceCrs? Crs { get; }

    /// <summary>The feature table being read.</summary>
    public string TableName => table.Name;

    public double? Progress => started ? cursor?.Progress ?? 1.0 : 0;

    /// <param name="path">The .gpkg file.</param>
    /// <param name="tableName">The feature table; needed only when the file has several.</param>
    /// <exception cref="SourceFormatException">Not a GeoPackage, no or several feature tables, or the table named is not one.</exception>
    public static GeoPackageSource Open(string path, string? tableName = null)
    {
        var file = new SqliteFile(path);
        try
        {
            var contents = file.Table("gpkg_contents")
                ?? throw new SourceFormatException($"{path}: an SQLite database but not a GeoPackage (it has no gpkg_contents table).");
            var entries = file.Rows(contents).Select(r => (Name: r["table_name"] as string ?? "", Type: r["data_type"] as string ?? "")).ToList();
            var featureTables = entries.Where(e => e.Type.Equals("features", StringComparison.OrdinalIgnoreCase)).Select(e => e.Name).ToList();
            string chosen;
            if (tableName is not null)
            {
                chosen = featureTables.FirstOrDefault(t => t.Equals(tableName, StringComparison.OrdinalIgnoreCase))
                    ?? throw new SourceFormatException(
                        $"{path}: has no feature table \"{tableName}\"; its feature tables are: {List(featureTables)}.");
            }
            else
            {
                chosen = featureTables.Count switch
                {
                    1 => featureTables[0],
                    0 => throw new SourceFormatException(
                        $"{path}: has no feature table (its contents: {List(entries.Select(e => $"{e.Name} ({e.Type})"))})."),
                    _ => throw new SourceFormatException(
                        $"{path}: has {featureTables.Count} feature tables: {List(featureTables)}; name the one to import (table: in the mapping file)."),
                };
            }

            var geometryColumns = file.Table("gpkg_geometry_columns")
                ?? throw new SourceFormatException($"{path}: not a valid GeoPackage (it has no gpkg_geometry_columns table).");
            var geometry = file.Rows(geometryColumns).FirstOrDefault(r => chosen.Equals(r["table_name"] as string, StringComparison.OrdinalIgnoreCase))
                ?? throw new SourceFormatException($"{path}: feature table {chosen} has no row in gpkg_geometry_columns.");
            var crs = ReadCrs(file, geometry["srs_id"] is long srsId ? srsId : null);
            var table = file.Table(chosen) ?? throw new SourceFormatException($"{path}: gpkg_contents lists table {chosen}, which does not exist.");
            return new GeoPackageSource(path, file, table, geometry["column_name"] as string ?? "", crs);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (started) throw new InvalidOperationException("ReadFeatures can be called once.");
        started = true;
        return Read(cancellationToken);
    }

    public void Dispose() => file.Dispose();

    private IEnumerable<SourceFeature> Read(CancellationToken cancellationToken)
    {
        cursor = new SqliteFile.TableCursor(file, table);
        var reader = new GeoPackageGeoReader { HandleOrdinates = Ordinates.XY };
        long number = 0;
        while (cursor.MoveNext())
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            var attributes = new Dictionary<string, object?>(columns.Length);
            for (var i = 0; i < columns.Length; i++)
            {
                if (i != geometryColumn) attributes[columns[i].Name] = ToAttribute(cursor.Value(i), columns[i].DeclaredType);
            }
            Geometry? geometry = null;
            string? error = null;
            switch (cursor.Value(geometryColumn))
            {
                case null:
                    break;
                case byte[] blob:
                    try
                    {
                        geometry = Flatten.To2D(reader.Read(blob));
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // The GeoPackage reader puts a whole stack trace into its message; its first line is the reason.
                        error = $"the geometry cannot be read ({Describe(blob)}): {e.Message.Split('\n')[0].Trim()}";
                    }
                    break;
                case var other:
                    error = $"the geometry column holds a {other.GetType().Name}, not a GeoPackage geometry";
                    break;
            }
            yield return new SourceFeature(number, geometry, attributes, error);
        }
    }

    /// <summary>SQLite stores few types: BOOLEAN is an integer and DATE/DATETIME ISO text, as the GeoPackage spec declares them.</summary>
    private static object? ToAttribute(object? value, string declaredType) => value switch
    {
        long l when declaredType == "BOOLEAN" => l != 0,
        string s when declaredType is "DATE" or "DATETIME"
            && DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) => t,
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => value,
    };

    /// <summary>The GeoPackage geometry header's type code, for messages about geometries NTS cannot read (curves, say).</summary>
    private static string Describe(byte[] blob)
    {
        if (blob.Length < 8 || blob[0] != (byte)'G' || blob[1] != (byte)'P') return "not a GeoPackage geometry blob";
        var flags = blob[3];
        var envelopeBytes = ((flags >> 1) & 7) switch { 1 => 32, 2 or 3 => 48, 4 => 64, _ => 0 };
        var wkb = 8 + envelopeBytes;
        if (blob.Length < wkb + 5) return "a truncated GeoPackage geometry";
        var type = blob[wkb] == 1 ? BitConverter.ToUInt32(blob, wkb + 1) : System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(blob.AsSpan(wkb + 1));
        var name = (type % 1000) switch
        {
            1 => "Point", 2 => "LineString", 3 => "Polygon", 4 => "MultiPoint", 5 => "MultiLineString", 6 => "MultiPolygon",
            7 => "GeometryCollection", 8 => "CircularString", 9 => "CompoundCurve", 10 => "CurvePolygon", 11 => "MultiCurve",
            12 => "MultiSurface", 13 => "Curve", 14 => "Surface", 15 => "PolyhedralSurface", 16 => "TIN", 17 => "Triangle",
            _ => $"type {type}",
        };
        return $"WKB {name}";
    }

    /// <summary>The CRS of the srs_id: EPSG when its organisation says so, else its WKT; null for the undefined systems -1 and 0.</summary>
    private static SourceCrs? ReadCrs(SqliteFile file, long? srsId)
    {
        if (srsId is null or -1 or 0) return null;
        if (file.Table("gpkg_spatial_ref_sys") is not { } srs) return null;
        var row = file.Rows(srs).FirstOrDefault(r => r["srs_id"] is long id && id == srsId);
        if (row is null) return null;
        if (row["organization"] is string organisation && organisation.Equals("EPSG", StringComparison.OrdinalIgnoreCase)
            && row["organization_coordsys_id"] is long code && code > 0)
        {
            return SourceCrs.FromEpsg((int)code);
        }
        var wkt = row["definition"] as string;
        return string.IsNullOrWhiteSpace(wkt) || wkt.Trim().Equals("undefined", StringComparison.OrdinalIgnoreCase)
            ? null
            : new SourceCrs(null, wkt.Trim());
    }

    private static string List(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
}

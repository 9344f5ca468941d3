using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using SQLitePCL;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Reads one feature table of a GeoPackage: the table named, or the only one there is. The CRS comes from
/// gpkg_spatial_ref_sys (an EPSG code when the organisation is EPSG, else the definition's WKT).
/// </summary>
/// <remarks>
/// The file is opened read-only through SQLite itself (Microsoft.Data.Sqlite, with its own native e_sqlite3), and the
/// feature rows are streamed in fid order by one forward-only reader, so memory stays flat on files of any size.
/// SQLite reads changes still in a -wal file itself; only where it cannot (it must create a -shm file beside them) is the
/// file refused, with a hint.
/// </remarks>
internal sealed class GeoPackageSource : IFeatureSource
{
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    private readonly string path;
    private readonly SqliteConnection connection;
    private readonly Column[] columns;
    private readonly int geometryColumn;
    private readonly FidRange? fids;
    private long lastFid;
    private bool started;
    private bool finished;

    private GeoPackageSource(string path, SqliteConnection connection, string table, Column[] columns, string geometryColumnName, SourceCrs? crs)
    {
        this.path = path;
        this.connection = connection;
        TableName = table;
        this.columns = columns;
        Crs = crs;
        geometryColumn = Array.FindIndex(columns, c => c.Name.Equals(geometryColumnName, StringComparison.OrdinalIgnoreCase));
        if (geometryColumn < 0)
            throw new SourceFormatException($"{path}: gpkg_geometry_columns names column {geometryColumnName} of table {table}, which has no such column.");
        fids = FidRange.Of(connection, table, columns);
        Fields = columns.Where((_, i) => i != geometryColumn).Select(c => new SourceField(c.Name)).ToArray();
    }

    public string Format => "GeoPackage";

    public SourceCrs? Crs { get; }

    public string? CrsDeclaredIn => Crs is null ? null : "its gpkg_spatial_ref_sys";

    /// <summary>The columns of the feature table but its geometry column (SQLite allows no two of the same name).</summary>
    public IReadOnlyList<SourceField> Fields { get; }

    /// <summary>The feature table being read, as the file spells it.</summary>
    public string TableName { get; }

    /// <summary>Estimated from the fid of the last row read within the table's fid range; unknown for a table without an integer primary key.</summary>
    public double? Progress => !started ? 0 : finished ? 1 : fids is { } range ? range.Fraction(lastFid) : null;

    /// <param name="path">The .gpkg file.</param>
    /// <param name="tableName">The feature table; needed only when the file has several.</param>
    /// <exception cref="SourceFormatException">Not a GeoPackage, no or several feature tables, or the table named is not one.</exception>
    public static GeoPackageSource Open(string path, string? tableName = null)
    {
        var connection = Connect(path);
        try
        {
            var tables = Rows(connection, "SELECT name FROM sqlite_schema WHERE type = 'table'").Select(r => r[0] as string ?? "").ToList();
            string? Table(string name) => tables.FirstOrDefault(t => t.Equals(name, StringComparison.OrdinalIgnoreCase));

            var contents = Table("gpkg_contents")
                ?? throw new SourceFormatException($"{path}: an SQLite database but not a GeoPackage (it has no gpkg_contents table).");
            var entries = Rows(connection, $"SELECT table_name, data_type FROM {Quote(contents)} ORDER BY rowid")
                .Select(r => (Name: r[0] as string ?? "", Type: r[1] as string ?? "")).ToList();
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

            var geometryColumns = Table("gpkg_geometry_columns")
                ?? throw new SourceFormatException($"{path}: not a valid GeoPackage (it has no gpkg_geometry_columns table).");
            var geometry = Rows(connection, $"SELECT table_name, column_name, srs_id FROM {Quote(geometryColumns)} ORDER BY rowid")
                .FirstOrDefault(r => chosen.Equals(r[0] as string, StringComparison.OrdinalIgnoreCase))
                ?? throw new SourceFormatException($"{path}: feature table {chosen} has no row in gpkg_geometry_columns.");
            var crs = ReadCrs(connection, Table("gpkg_spatial_ref_sys"), geometry[2] is long srsId ? srsId : null);
            var table = Table(chosen) ?? throw new SourceFormatException($"{path}: gpkg_contents lists table {chosen}, which does not exist.");
            var tableColumns = Rows(connection, "SELECT name, type, pk FROM pragma_table_info($table)", table)
                .Select(r => new Column(r[0] as string ?? "", DeclaredType(r[1] as string), r[2] is long pk ? pk : 0))
                .ToArray();
            return new GeoPackageSource(path, connection, table, tableColumns, geometry[1] as string ?? "", crs);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Refusal(path, e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (started) throw new InvalidOperationException("ReadFeatures can be called once.");
        started = true;
        return Read(cancellationToken);
    }

    public void Dispose() => connection.Dispose();

    private IEnumerable<SourceFeature> Read(CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        // Ordering by the fid, SQLite's rowid, walks the table b-tree as it lies: rows in fid order without a sort.
        command.CommandText = $"SELECT {string.Join(", ", columns.Select(c => Quote(c.Name)))} FROM {Quote(TableName)}"
            + (fids is { } range ? $" ORDER BY {Quote(columns[range.Column].Name)}" : "");
        using var rows = Step(() => command.ExecuteReader());
        var reader = new GeoPackageGeoReader { HandleOrdinates = Ordinates.XY };
        long number = 0;
        while (Step(rows.Read))
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            var attributes = new Dictionary<string, object?>(columns.Length);
            for (var i = 0; i < columns.Length; i++)
            {
                if (i != geometryColumn) attributes[columns[i].Name] = ToAttribute(Value(rows, i), columns[i].DeclaredType);
            }
            if (fids is { } fidRange && attributes[columns[fidRange.Column].Name] is long fid) lastFid = fid;

            Geometry? geometry = null;
            string? error = null;
            switch (Value(rows, geometryColumn))
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
        finished = true;
    }

    /// <summary>Runs one step of the row reader, turning SQLite's errors (a corrupt page, say) into this file's refusal.</summary>
    private T Step<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (SqliteException e)
        {
            throw Refusal(path, e);
        }
    }

    /// <summary>
    /// Opens the file read-only, after checking from its header that it is SQLite at all. A read-only open of a database
    /// in WAL mode creates -shm and -wal files beside it and leaves them there; when there is no -wal file, no program
    /// has the database open in WAL mode and there is nothing to read from one, so the file is opened as immutable:
    /// no locks taken, no file created (in a shared or read-only folder too).
    /// </summary>
    private static SqliteConnection Connect(string path)
    {
        var header = new byte[20];
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.AsSpan(0, 16).SequenceEqual(SqliteMagic))
                throw new SourceFormatException($"{path}: not an SQLite database, so not a GeoPackage.");
        }
        var fullPath = Path.GetFullPath(path);
        var walMode = header[18] == 2 || header[19] == 2;
        var immutable = walMode && !File.Exists(fullPath + "-wal");
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = immutable ? ImmutableUri(fullPath) : fullPath,
            Mode = SqliteOpenMode.ReadOnly,
            // A pooled connection would keep the file open after Dispose.
            Pooling = false,
        }.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Refusal(path, e);
        }
        return connection;
    }

    /// <summary>An SQLite URI for the file with immutable=1; '%', '?' and '#' in the path are percent-encoded.</summary>
    private static string ImmutableUri(string fullPath)
    {
        var uri = new StringBuilder("file://");
        if (!fullPath.StartsWith('/')) uri.Append('/');
        foreach (var c in fullPath.Replace('\\', '/'))
        {
            if (c is '%' or '?' or '#') uri.Append(CultureInfo.InvariantCulture, $"%{(int)c:X2}");
            else uri.Append(c);
        }
        return uri.Append("?immutable=1").ToString();
    }

    private static SourceFormatException Refusal(string path, SqliteException e)
    {
        if (e.SqliteErrorCode == raw.SQLITE_NOTADB)
            return new SourceFormatException($"{path}: not an SQLite database, so not a GeoPackage.", e);
        var wal = path + "-wal";
        if (File.Exists(wal) && e.SqliteErrorCode is raw.SQLITE_CANTOPEN or raw.SQLITE_READONLY)
        {
            return new SourceFormatException(
                $"{path}: has changes not yet written into it ({Path.GetFileName(wal)}), which SQLite reads only by creating {Path.GetFileName(path)}-shm beside it, and it cannot here ({e.Message}); "
                + "close the program that has it open, or open and close it once in QGIS or sqlite3.", e);
        }
        return new SourceFormatException($"{path}: SQLite cannot read it: {e.Message}", e);
    }

    /// <summary>The rows of a small query (metadata tables), with SQL NULL as null.</summary>
    private static List<object?[]> Rows(SqliteConnection connection, string sql, string? table = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (table is not null) command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++) row[i] = Value(reader, i);
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The value as SQLite stores it: long, double, string, byte[], or null.</summary>
    private static object? Value(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetValue(column);

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>The declared type in capitals without its size: TEXT(80) is TEXT.</summary>
    private static string DeclaredType(string? declared)
    {
        var type = declared ?? "";
        var size = type.IndexOf('(', StringComparison.Ordinal);
        return (size < 0 ? type : type[..size]).Trim().ToUpperInvariant();
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
    private static SourceCrs? ReadCrs(SqliteConnection connection, string? srsTable, long? srsId)
    {
        if (srsId is null or -1 or 0 || srsTable is null) return null;
        var row = Rows(connection, $"SELECT srs_id, organization, organization_coordsys_id, definition FROM {Quote(srsTable)} ORDER BY rowid")
            .FirstOrDefault(r => r[0] is long id && id == srsId);
        if (row is null) return null;
        if (row[1] is string organisation && organisation.Equals("EPSG", StringComparison.OrdinalIgnoreCase)
            && row[2] is long code && code > 0)
        {
            return SourceCrs.FromEpsg((int)code);
        }
        var wkt = row[3] as string;
        return string.IsNullOrWhiteSpace(wkt) || wkt.Trim().Equals("undefined", StringComparison.OrdinalIgnoreCase)
            ? null
            : new SourceCrs(null, wkt.Trim());
    }

    private static string List(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";

    /// <summary>A column of the feature table as PRAGMA table_info gives it; Key is its place in the primary key, 0 if none.</summary>
    private sealed record Column(string Name, string DeclaredType, long Key);

    /// <summary>
    /// The fid column (the INTEGER PRIMARY KEY every GeoPackage feature table has, which is SQLite's rowid) and its
    /// smallest and largest value, which SQLite finds at the two ends of the table b-tree without a scan.
    /// </summary>
    private sealed record FidRange(int Column, long Min, long Max)
    {
        public static FidRange? Of(SqliteConnection connection, string table, Column[] columns)
        {
            if (columns.Count(c => c.Key > 0) != 1) return null;
            var column = Array.FindIndex(columns, c => c.Key > 0 && c.DeclaredType == "INTEGER");
            if (column < 0) return null;
            var row = Rows(connection, $"SELECT min({Quote(columns[column].Name)}), max({Quote(columns[column].Name)}) FROM {Quote(table)}")[0];
            return row is [long min, long max] ? new FidRange(column, min, max) : new FidRange(column, 0, 0);
        }

        public double Fraction(long fid) => Max > Min ? Math.Clamp((double)(fid - Min + 1) / (Max - Min + 1), 0, 1) : 0;
    }
}

using System.Buffers.Binary;
using System.Text;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Reads an ESRI Shapefile (.shp with its .dbf, and .prj and .cpg when there) through NetTopologySuite.IO.Esri.
/// </summary>
/// <remarks>
/// The .dbf text encoding is, in order: the caller's override, the .cpg, the dBase language-driver byte, Windows-1252.
/// The .shx is not needed: records are read in order from the .shp, so a shapefile whose .shx went missing is still read.
/// </remarks>
internal sealed class ShapefileSource : IFeatureSource
{
    private readonly string path;
    private readonly FileStream shp;
    private readonly FileStream dbf;
    private readonly ShapefileReader? reader;
    private readonly SourceField[] fields;
    private bool started;
    private bool finished;

    private ShapefileSource(string path, FileStream shp, FileStream dbf, ShapefileReader? reader, Encoding encoding, SourceCrs? crs)
    {
        this.path = path;
        this.shp = shp;
        this.dbf = dbf;
        this.reader = reader;
        Encoding = encoding;
        Crs = crs;
        fields = reader is null ? [] : FieldNames.Unique(reader.Fields.Select(f => f.Name).ToList(), "field");
    }

    public string Format => "Shapefile";

    /// <summary>The .prj as WKT, for the catalog to identify; null without a .prj.</summary>
    public SourceCrs? Crs { get; }

    public string? CrsDeclaredIn => Crs is null ? null : "its .prj";

    /// <summary>The .dbf's fields; a name dBase repeats (it cuts names to 10 characters) is made unique.</summary>
    public IReadOnlyList<SourceField> Fields => fields;

    /// <summary>The encoding the .dbf is read with.</summary>
    public Encoding Encoding { get; }

    public double? Progress => finished ? 1 : started && shp.Length > 0 ? Math.Min(1.0, (double)shp.Position / shp.Length) : 0;

    /// <param name="path">The .shp file.</param>
    /// <param name="encoding">Overrides whatever the files say about the .dbf encoding.</param>
    /// <exception cref="SourceFormatException">The .dbf is missing, a file is not what it should be, or the .cpg names no encoding.</exception>
    public static ShapefileSource Open(string path, Encoding? encoding = null)
    {
        var dbfPath = Sibling(path, ".dbf")
            ?? throw new SourceFormatException($"{path}: the shapefile has no .dbf beside it ({Path.GetFileNameWithoutExtension(path)}.dbf); its attributes, and so the features' ids, are there. Copy the .dbf too.");
        encoding ??= DbfEncoding(path, dbfPath);
        var crs = Sibling(path, ".prj") is { } prj && File.ReadAllText(prj).Trim() is { Length: > 0 } wkt ? new SourceCrs(null, wkt) : null;

        var shp = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var dbf = new FileStream(dbfPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            // The library refuses a file of shape type "null" with a bare "Unsupported shapefile stream"; such a file
            // (written when a layer had no features) is simply empty. Other refusals deserve a clearer reason too.
            var shapeType = ShapeType(path, shp);
            if (shapeType == 0) return new ShapefileSource(path, shp, dbf, null, encoding, crs);
            if (shapeType == 31)
                throw new SourceFormatException($"{path}: a MultiPatch shapefile (3D surfaces); only points, lines and polygons are read.");
            RefuseRepeatedFieldNames(dbfPath, dbf, encoding);
            var reader = Shapefile.OpenRead(shp, dbf, new ShapefileReaderOptions
            {
                Encoding = encoding,
                // Invalid shapes are handed on as read: the importer's validation reports them with their feature numbers.
                GeometryBuilderMode = GeometryBuilderMode.IgnoreInvalidShapes,
            });
            return new ShapefileSource(path, shp, dbf, reader, encoding, crs);
        }
        catch (Exception e)
        {
            shp.Dispose();
            dbf.Dispose();
            if (e is SourceFormatException) throw;
            throw new SourceFormatException($"{path}: not a readable shapefile: {e.Message}", e);
        }
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (started) throw new InvalidOperationException("ReadFeatures can be called once.");
        started = true;
        return Read(cancellationToken);
    }

    public void Dispose()
    {
        reader?.Dispose();
        shp.Dispose();
        dbf.Dispose();
    }

    private IEnumerable<SourceFeature> Read(CancellationToken cancellationToken)
    {
        if (reader is null)
        {
            finished = true;
            yield break;
        }
        long number = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            SourceFeature? feature;
            try
            {
                if (!reader.Read(out var deleted))
                {
                    // The reader stops quietly at a record cut by the end of the .shp; the .dbf says how many there were.
                    if (number < reader.RecordCount)
                        throw new SourceFormatException($"{path}: record {number + 1} cannot be read: the .shp ends after {number} records where the .dbf has {reader.RecordCount} (the file is cut short?).");
                    // The reader stops as quietly at the last row of the .dbf; shapes after it would be lost.
                    if (ShpRecordCount(path) is var shapes && shapes > number)
                        throw new SourceFormatException($"{path}: the .shp holds more shapes than the .dbf's {number} rows ({shapes}); the shapes after record {number} have no attributes (is the .dbf from another version of the file?).");
                    finished = true;
                    yield break;
                }
                number++;
                // A record deleted in dBase still holds its place; it is not a feature.
                if (deleted) continue;
                feature = new SourceFeature(number, Flatten.To2D(reader.Geometry), Attributes());
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new SourceFormatException($"{path}: record {number + 1} cannot be read (the file is corrupt or cut short): {e.Message}", e);
            }
            yield return feature;
        }
    }

    private Dictionary<string, object?> Attributes()
    {
        var attributes = new Dictionary<string, object?>(reader!.Fields.Count);
        for (var column = 0; column < fields.Length; column++)
        {
            attributes[fields[column].Name] = reader.Fields[column].Value switch
            {
                null or DBNull => null,
                string s => s,
                int i => (long)i,
                long l => l,
                decimal m when m == decimal.Truncate(m) && m is >= long.MinValue and <= long.MaxValue => (long)m,
                decimal m => (double)m,
                float f => (double)f,
                double d => d,
                bool b => b,
                DateTime t => t,
                var other => Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture),
            };
        }
        return attributes;
    }

    /// <summary>The shape type in the .shp header, after checking that the header is one.</summary>
    private static int ShapeType(string path, FileStream shp)
    {
        Span<byte> header = stackalloc byte[100];
        if (shp.ReadAtLeast(header, 100, throwOnEndOfStream: false) < 100 || BinaryPrimitives.ReadInt32BigEndian(header) != 9994)
            throw new SourceFormatException($"{path}: not a shapefile (the .shp does not start with a shapefile header).");
        // The library reads a record cut by the end of the file as zeros, so a truncated file is caught here.
        var declared = 2L * BinaryPrimitives.ReadInt32BigEndian(header[24..]);
        if (shp.Length < declared)
            throw new SourceFormatException($"{path}: the .shp is cut short: it has {shp.Length} bytes where its header declares {declared}.");
        shp.Position = 0;
        return BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
    }

    /// <summary>
    /// NetTopologySuite's reader cannot hold two .dbf fields of one name (dBase cuts names to 10 characters, so a careless
    /// writer can make two) and would fail with a bare "same key"; this says which fields, before it tries.
    /// </summary>
    private static void RefuseRepeatedFieldNames(string dbfPath, FileStream dbf, Encoding encoding)
    {
        var header = new byte[32];
        if (dbf.ReadAtLeast(header, 32, throwOnEndOfStream: false) < 32) return;
        var headerLength = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(8));
        var descriptors = new byte[Math.Max(0, headerLength - 32)];
        dbf.ReadAtLeast(descriptors, descriptors.Length, throwOnEndOfStream: false);
        dbf.Position = 0;
        var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; (i + 1) * 32 <= descriptors.Length && descriptors[i * 32] != 0x0D; i++)
        {
            var raw = descriptors.AsSpan(i * 32, 11);
            var name = encoding.GetString(raw[..(raw.IndexOf((byte)0) is var end and >= 0 ? end : raw.Length)]).Trim();
            if (!first.TryAdd(name, i + 1))
            {
                throw new SourceFormatException(
                    $"{dbfPath}: fields {first[name]} and {i + 1} are both named \"{name}\" (dBase cuts names to 10 characters), and the reader would keep only one; rename one of them (in QGIS, or with ogr2ogr) and import again.");
            }
        }
    }

    /// <summary>
    /// How many records the .shp holds: as its .shx counts them (8 bytes each after a 100-byte header), as GDAL does;
    /// without a .shx, by walking its record headers up to the length its header declares. The walk stops
    /// at a header that cannot be a record's (number 0, or too short to hold a shape type): some writers leave zeros
    /// after the last record, and some declare a record shorter than they wrote it.
    /// </summary>
    private static long ShpRecordCount(string path)
    {
        if (Sibling(path, ".shx") is { } shx && new FileInfo(shx).Length is var length and >= 100) return (length - 100) / 8;
        using var shp = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> header = stackalloc byte[100];
        shp.ReadExactly(header);
        var declared = 2L * BinaryPrimitives.ReadInt32BigEndian(header[24..]);
        long position = 100, count = 0;
        Span<byte> record = stackalloc byte[8];
        while (position + 8 <= declared)
        {
            shp.Position = position;
            if (shp.ReadAtLeast(record, 8, throwOnEndOfStream: false) < 8) break;
            var words = BinaryPrimitives.ReadInt32BigEndian(record[4..]);
            if (BinaryPrimitives.ReadInt32BigEndian(record) <= 0 || words < 2) break;
            position += 8 + 2L * words;
            if (position > declared) break;
            count++;
        }
        return count;
    }

    /// <summary>The .cpg when it names an encoding, else the language-driver byte, else Windows-1252.</summary>
    private static Encoding DbfEncoding(string path, string dbfPath)
    {
        if (Sibling(path, ".cpg") is { } cpg)
        {
            var name = File.ReadAllText(cpg).Trim();
            return CodePages.TryParse(name) ?? throw new SourceFormatException(
                $"{cpg}: does not name a code page (it starts with \"{(name.Length > 30 ? name[..30] + "..." : name)}\"); fix or delete the .cpg, or give the encoding with --encoding.");
        }
        using var dbf = File.OpenRead(dbfPath);
        Span<byte> header = stackalloc byte[32];
        if (dbf.ReadAtLeast(header, 32, throwOnEndOfStream: false) < 32)
            throw new SourceFormatException($"{dbfPath}: too short for a dBase file ({dbf.Length} bytes).");
        return CodePages.FromLanguageDriver(header[29]) ?? CodePages.Fallback;
    }

    /// <summary>A file beside the .shp with the same base name and another extension, in any letter case (.DBF, .Cpg).</summary>
    private static string? Sibling(string shpPath, string extension)
    {
        var exact = Path.ChangeExtension(shpPath, extension);
        if (File.Exists(exact)) return exact;
        var directory = Path.GetDirectoryName(Path.GetFullPath(shpPath))!;
        var wanted = Path.GetFileNameWithoutExtension(shpPath) + extension;
        return Directory.EnumerateFiles(directory)
            .FirstOrDefault(f => Path.GetFileName(f).Equals(wanted, StringComparison.OrdinalIgnoreCase));
    }
}

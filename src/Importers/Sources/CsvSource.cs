using System.Globalization;
using System.Text;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Reads a CSV file (RFC 4180: quoted fields may hold delimiters, doubled quotes and line breaks) whose geometry is a
/// WKT column or an x/y pair of columns. The delimiter (comma, semicolon or tab) is the one the header line uses most.
/// </summary>
/// <remarks>
/// Values are strings (empty fields null): CSV has no types, and guessing them here would turn ids like "00123" into
/// numbers. A CSV declares no CRS: the caller gives one.
/// </remarks>
internal sealed class CsvSource : IFeatureSource
{
    private static readonly string[] WktNames = ["wkt", "geometry", "geom", "the_geom", "wkt_geom", "shape"];
    private static readonly (string X, string Y)[] XyNames = [("x", "y"), ("lon", "lat"), ("lng", "lat"), ("long", "lat"), ("longitude", "latitude"), ("easting", "northing"), ("e", "n"), ("itä", "pohjoinen")];

    private readonly string path;
    private readonly StreamReader text;
    private readonly char delimiter;
    private readonly string[] header;
    private readonly SourceField[] fields;
    private readonly int wktIndex = -1;
    private readonly int xIndex = -1;
    private readonly int yIndex = -1;
    private readonly WKTReader wktReader = new();
    private readonly GeometryFactory factory = new();
    private readonly StringBuilder field = new();
    private long line = 1;
    private bool started;
    private bool finished;

    private CsvSource(string path, StreamReader text, SourceOptions options)
    {
        this.path = path;
        this.text = text;
        var firstLine = text.ReadLine() ?? throw new SourceFormatException($"{path}: the file is empty; a CSV needs a header line.");
        delimiter = DetectDelimiter(firstLine);
        header = ParseRecord(new StringReader(firstLine + "\n"), ref line) ?? [];
        line = 2;
        if (header.Length == 0 || header.All(string.IsNullOrWhiteSpace))
            throw new SourceFormatException($"{path}: the header line is empty.");
        fields = FieldNames.Unique(header, "column");

        if (options.NoGeometry)
        {
            return;
        }
        if (options.WktColumn is { } wkt)
        {
            wktIndex = Column(wkt, "WKT");
        }
        else if (options.XColumn is not null || options.YColumn is not null)
        {
            xIndex = Column(options.XColumn ?? throw new SourceFormatException($"{path}: a y column is given but no x column."), "x");
            yIndex = Column(options.YColumn ?? throw new SourceFormatException($"{path}: an x column is given but no y column."), "y");
        }
        else
        {
            wktIndex = WktNames.Select(Find).FirstOrDefault(i => i >= 0, -1);
            if (wktIndex < 0)
            {
                (xIndex, yIndex) = XyNames.Select(n => (Find(n.X), Find(n.Y))).FirstOrDefault(p => p.Item1 >= 0 && p.Item2 >= 0, (-1, -1));
            }
            if (wktIndex < 0 && xIndex < 0 && !options.GeometryOptional)
            {
                throw new SourceFormatException(
                    $"{path}: no geometry column found among {string.Join(", ", header)}; name a WKT column (wkt, geometry, geom, the_geom) or x/y columns (x/y, lon/lat, easting/northing, e/n), or give them in the mapping.");
            }
        }
    }

    public string Format => "CSV";

    /// <summary>Always null: a CSV declares no CRS.</summary>
    public SourceCrs? Crs => null;

    public string? CrsDeclaredIn => null;

    public char Delimiter => delimiter;

    public IReadOnlyList<string> Columns => header;

    /// <summary>The columns by their trimmed names; a repeated name is made unique and a blank one named, so no column is lost.</summary>
    public IReadOnlyList<SourceField> Fields => fields;

    /// <summary>The column the geometry comes from: the WKT column, or the x and y columns joined by a slash; null without geometry.</summary>
    public string? GeometryColumns => wktIndex >= 0 ? header[wktIndex] : xIndex >= 0 ? $"{header[xIndex]}/{header[yIndex]}" : null;

    public double? Progress => finished ? 1 : started && text.BaseStream.Length > 0 ? Math.Min(1.0, (double)text.BaseStream.Position / text.BaseStream.Length) : 0;

    /// <param name="path">The CSV file.</param>
    /// <param name="options">Encoding (default UTF-8, a byte order mark wins) and the geometry columns.</param>
    /// <exception cref="SourceFormatException">No header, no geometry column, or a named column is not there.</exception>
    public static CsvSource Open(string path, SourceOptions? options = null)
    {
        options ??= new SourceOptions();
        var encoding = options.Encoding is null ? new UTF8Encoding(false)
            : CodePages.TryParse(options.Encoding) ?? throw new SourceFormatException($"{path}: \"{options.Encoding}\" is not a text encoding.");
        var text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: true, new FileStreamOptions { BufferSize = 1 << 16 });
        try
        {
            return new CsvSource(path, text, options);
        }
        catch
        {
            text.Dispose();
            throw;
        }
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (started) throw new InvalidOperationException("ReadFeatures can be called once.");
        started = true;
        return Read(cancellationToken);
    }

    public void Dispose() => text.Dispose();

    private IEnumerable<SourceFeature> Read(CancellationToken cancellationToken)
    {
        long number = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var recordLine = line;
            var fields = ParseRecord(text, ref line);
            if (fields is null)
            {
                finished = true;
                yield break;
            }
            if (fields is [""]) continue; // a blank line
            if (fields.Length != header.Length)
            {
                throw new SourceFormatException(
                    $"{path}: line {recordLine} has {fields.Length} fields where the header has {header.Length} (an unclosed quote or a stray '{delimiter}'?).");
            }
            number++;
            var attributes = new Dictionary<string, object?>(header.Length);
            for (var i = 0; i < header.Length; i++) attributes[this.fields[i].Name] = fields[i].Length == 0 ? null : fields[i];
            var (geometry, error) = wktIndex >= 0 ? FromWkt(fields[wktIndex]) : xIndex >= 0 ? FromXy(fields[xIndex], fields[yIndex]) : (null, null);
            yield return new SourceFeature(number, geometry, attributes, error);
        }
    }

    private (Geometry?, string?) FromWkt(string wkt)
    {
        if (string.IsNullOrWhiteSpace(wkt)) return (null, null);
        try
        {
            return (Flatten.To2D(wktReader.Read(wkt)), null);
        }
        catch (Exception e) when (e is ParseException or ArgumentException or FormatException)
        {
            return (null, $"column \"{header[wktIndex]}\" is not readable WKT: {e.Message}");
        }
    }

    private (Geometry?, string?) FromXy(string x, string y)
    {
        if (string.IsNullOrWhiteSpace(x) && string.IsNullOrWhiteSpace(y)) return (null, null);
        if (!TryParseNumber(x, out var xValue)) return (null, $"column \"{header[xIndex]}\" is not a number: \"{x}\"");
        if (!TryParseNumber(y, out var yValue)) return (null, $"column \"{header[yIndex]}\" is not a number: \"{y}\"");
        return (factory.CreatePoint(new Coordinate(xValue, yValue)), null);
    }

    /// <summary>A number with a decimal point, or a decimal comma as spreadsheets in Finland and Sweden write it.</summary>
    private static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        || text.Count(c => c == ',') == 1 && !text.Contains('.')
           && double.TryParse(text.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Reads one record; null at the end of the file. Quoted fields may span lines, which <paramref name="lineNumber"/> counts.</summary>
    private string[]? ParseRecord(TextReader reader, ref long lineNumber)
    {
        var first = reader.Peek();
        if (first < 0) return null;
        var fields = new List<string>();
        field.Clear();
        var quoted = false;
        var quoteStartLine = lineNumber;
        while (true)
        {
            var c = reader.Read();
            if (quoted)
            {
                if (c < 0) throw new SourceFormatException($"{path}: the quote opened on line {quoteStartLine} is never closed.");
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n') lineNumber++;
                    field.Append((char)c);
                }
                continue;
            }
            if (c == '"' && field.Length == 0)
            {
                quoted = true;
                quoteStartLine = lineNumber;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r' or < 0)
            {
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                if (c >= 0) lineNumber++;
                fields.Add(field.ToString());
                return fields.ToArray();
            }
            else
            {
                field.Append((char)c);
            }
        }
    }

    private static char DetectDelimiter(string headerLine)
    {
        int comma = 0, semicolon = 0, tab = 0;
        var quoted = false;
        foreach (var c in headerLine)
        {
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == ',') comma++;
            else if (c == ';') semicolon++;
            else if (c == '\t') tab++;
        }
        return tab > comma && tab > semicolon ? '\t' : semicolon > comma ? ';' : ',';
    }

    private int Find(string name) =>
        Array.FindIndex(header, h => h.Trim().Equals(name, StringComparison.OrdinalIgnoreCase));

    private int Column(string name, string role)
    {
        var index = Find(name);
        return index >= 0 ? index : throw new SourceFormatException(
            $"{path}: the {role} column \"{name}\" is not in the header ({string.Join(", ", header)}).");
    }
}

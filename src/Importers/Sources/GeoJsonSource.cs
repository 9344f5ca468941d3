using System.Text;
using System.Text.Json;
using DigitalTwin.Importers.Reprojection;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Implementation;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Streams the features of a GeoJSON file (a FeatureCollection, a single Feature or a bare geometry) in flat memory.
/// </summary>
/// <remarks>
/// <para>Two things must be known before the first feature is handed on: the legacy <c>crs</c> member, which may come
/// after <c>features</c> (JSON members have no order), and the fields, which in GeoJSON each feature lists for itself: a
/// field the first features lack (a name only some features have) must still be mapped, or its values would be lost
/// without a word. So opening makes a first, cheap pass over the whole file: property names are counted, every value
/// and geometry is skipped token by token without building anything. It costs a fraction of the real parse, and memory
/// holds the names only.</para>
/// <para>Members of a feature outside its <c>properties</c> (foreign members, RFC 7946 section 6.1) are not handed on;
/// they are listed among the fields as ignored. A feature's own <c>id</c> is handed on as <c>id</c>, or as <c>@id</c>
/// where its properties hold an <c>id</c> too; a name repeated within one feature's properties gets a suffix.</para>
/// </remarks>
internal sealed class GeoJsonSource : IFeatureSource
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();
    private static readonly object[] EmptyArray = [];

    private readonly string path;
    private readonly JsonFileCursor cursor;
    private readonly GeometryFactory factory;
    private readonly string? rootType;
    private static readonly LinearRing[] NoHoles = [];
    private double[] scratch = new double[64];
    private int scratchLength;
    private readonly JsonFileCursor.ValueParser<SourceFeature?> readNextFeature;
    private readonly JsonFileCursor.ValueParser<bool> scanFeature;
    private readonly FieldCounter fieldCounter = new();
    private readonly List<string> scanNames = [];
    private readonly List<string> scanForeign = [];
    private bool scanHasId;
    private bool crsDeclared;
    private bool scanPropertiesNotObject;
    private string[] propertyNames = new string[16];
    private byte[][] propertyNamesUtf8 = new byte[16][];
    private long number;
    private bool started;
    private bool finished;

    private GeoJsonSource(string path)
    {
        this.path = path;
        cursor = new JsonFileCursor(path);
        readNextFeature = ReadNextFeature;
        scanFeature = ScanFeature;
        try
        {
            (rootType, Crs) = ScanTopLevel();
            factory = new GeometryFactory(new PrecisionModel(), Crs.Epsg ?? 0, PackedCoordinateSequenceFactory.DoubleFactory);
            if (rootType == "Feature") CountRootFeature();
        }
        catch
        {
            cursor.Dispose();
            throw;
        }
    }

    public string Format => "GeoJSON";

    /// <summary>The declared <c>crs</c>, or EPSG:4326 (lon/lat, as RFC 7946 says) when there is none.</summary>
    public SourceCrs Crs { get; }

    SourceCrs? IFeatureSource.Crs => Crs;

    public string? CrsDeclaredIn => crsDeclared ? "its \"crs\" member" : null;

    public IReadOnlyList<SourceField> Fields => fieldCounter.Fields;

    public double? Progress => finished ? 1 : started && cursor.Length > 0 ? Math.Min(1.0, (double)cursor.Position / cursor.Length) : 0;

    /// <exception cref="SourceFormatException">The file is not JSON, not GeoJSON, or its <c>crs</c> is not one we read.</exception>
    public static GeoJsonSource Open(string path)
    {
        try
        {
            return new GeoJsonSource(path);
        }
        catch (JsonFormatError e)
        {
            throw new SourceFormatException($"{path}: malformed JSON at byte {e.ByteOffset} (line {e.Line}): {e.Message}", e);
        }
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (started) throw new InvalidOperationException("ReadFeatures can be called once.");
        started = true;
        return Read(cancellationToken);
    }

    public void Dispose() => cursor.Dispose();

    private IEnumerable<SourceFeature> Read(CancellationToken cancellationToken)
    {
        cursor.Rewind();
        switch (rootType)
        {
            case "FeatureCollection":
                Parse(ReadRootStart);
                while (Parse(ReadMemberName) is { } member)
                {
                    if (member != "features")
                    {
                        Skip();
                        continue;
                    }
                    if (!Parse(ReadArrayStart))
                        throw new SourceFormatException($"{path}: \"features\" is not an array.");
                    while (true)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        number++;
                        var feature = Parse(readNextFeature);
                        if (feature is null) break;
                        yield return feature;
                    }
                    number--;
                }
                break;
            case "Feature":
                number = 1;
                yield return Parse(ReadRootFeature);
                break;
            default:
                number = 1;
                yield return Parse(ReadRootGeometry);
                break;
        }
        finished = true;
    }

    private T Parse<T>(JsonFileCursor.ValueParser<T> parser)
    {
        try
        {
            return cursor.Parse(parser);
        }
        catch (JsonFormatError e)
        {
            throw new SourceFormatException(
                $"{path}: malformed JSON in feature {number} at byte {e.ByteOffset} (line {e.Line}): {e.Message}", e);
        }
    }

    private void Skip()
    {
        try
        {
            cursor.SkipValue();
        }
        catch (JsonFormatError e)
        {
            throw new SourceFormatException($"{path}: malformed JSON at byte {e.ByteOffset} (line {e.Line}): {e.Message}", e);
        }
    }

    /// <summary>
    /// The first pass: the root's <c>type</c> and <c>crs</c>, wherever they are among its members, and the fields of
    /// every feature of a FeatureCollection.
    /// </summary>
    private (string? RootType, SourceCrs Crs) ScanTopLevel()
    {
        cursor.Parse(ReadRootStart);
        string? type = null;
        SourceCrs? crs = null;
        var hasFeatures = false;
        while (cursor.Parse(ReadMemberName) is { } member)
        {
            switch (member)
            {
                case "type":
                    type = cursor.Parse(ReadOptionalString);
                    break;
                case "crs":
                    crs = ToSourceCrs(cursor.Parse(ReadCrs));
                    crsDeclared = crs is not null;
                    break;
                case "features":
                    hasFeatures = true;
                    CountFeatureFields();
                    break;
                default:
                    cursor.SkipValue();
                    break;
            }
        }

        // Some writers leave out the root "type"; the members say what the root is.
        type ??= hasFeatures ? "FeatureCollection" : null;
        if (type is null)
            throw new SourceFormatException($"{path}: not GeoJSON: the root object has no \"type\" and no \"features\".");
        if (type is not ("FeatureCollection" or "Feature" or "Point" or "MultiPoint" or "LineString" or "MultiLineString"
            or "Polygon" or "MultiPolygon" or "GeometryCollection"))
            throw new SourceFormatException($"{path}: not GeoJSON: the root \"type\" is \"{type}\".");
        return (type, crs ?? SourceCrs.FromEpsg(CrsNames.Wgs84));
    }

    /// <summary>Counts the fields of each feature of the <c>features</c> array, the cursor before its value.</summary>
    private void CountFeatureFields()
    {
        long feature = 0;
        try
        {
            if (!cursor.Parse(ReadArrayStart)) return;
            while (true)
            {
                feature++;
                if (!cursor.Parse(scanFeature)) break;
                CommitScannedFeature();
            }
        }
        catch (JsonFormatError e)
        {
            throw new SourceFormatException($"{path}: malformed JSON in feature {feature} at byte {e.ByteOffset} (line {e.Line}): {e.Message}", e);
        }
    }

    /// <summary>The fields of a file that is a single Feature: the names its one feature is read with.</summary>
    private void CountRootFeature()
    {
        cursor.Rewind();
        number = 1;
        var feature = Parse(ReadRootFeature);
        fieldCounter.BeginFeature();
        foreach (var name in feature.Attributes.Keys) fieldCounter.Count(name, null);
        number = 0;
    }

    /// <summary>
    /// One element of the features array, skipping every value: the names in its properties, whether it has its own id,
    /// its foreign members. Runs again from the start when the element is cut by the end of the window, so it only
    /// gathers; <see cref="CommitScannedFeature"/> counts. False at the end of the array.
    /// </summary>
    private bool ScanFeature(ref Utf8JsonReader reader)
    {
        scanNames.Clear();
        scanForeign.Clear();
        scanHasId = false;
        scanPropertiesNotObject = false;
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.EndArray) return false;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipCurrent(ref reader);
            return true;
        }
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return true;
            if (reader.ValueTextEquals("properties"u8))
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    var index = 0;
                    while (true)
                    {
                        Next(ref reader);
                        if (reader.TokenType == JsonTokenType.EndObject) break;
                        scanNames.Add(PropertyName(ref reader, index++));
                        Next(ref reader);
                        SkipCurrent(ref reader);
                    }
                    continue;
                }
                scanPropertiesNotObject = reader.TokenType != JsonTokenType.Null;
                SkipCurrent(ref reader);
                continue;
            }
            var isId = reader.ValueTextEquals("id"u8);
            var known = isId || reader.ValueTextEquals("type"u8) || reader.ValueTextEquals("geometry"u8) || reader.ValueTextEquals("bbox"u8);
            if (!known) scanForeign.Add(reader.GetString()!);
            Next(ref reader);
            scanHasId |= isId && reader.TokenType != JsonTokenType.Null;
            SkipCurrent(ref reader);
        }
    }

    /// <summary>Counts the names <see cref="ScanFeature"/> gathered, as <see cref="ReadFeature"/> will name them.</summary>
    private void CommitScannedFeature()
    {
        fieldCounter.BeginFeature();
        foreach (var name in scanNames) fieldCounter.Count(name, RepeatedProperty);
        if (scanHasId) fieldCounter.CountId();
        foreach (var name in scanForeign) fieldCounter.Ignore(name, "a member of the feature outside its \"properties\"");
        if (scanPropertiesNotObject) fieldCounter.Ignore("properties", "\"properties\" is not a JSON object");
    }

    private static string RepeatedProperty(string name) => $"a second \"{name}\" in the properties of a feature";

    private SourceCrs? ToSourceCrs((string? Type, string? Name, int? Code) crs)
    {
        if (crs is { Type: null, Name: null, Code: null }) return null;
        if (crs.Code is { } code) return SourceCrs.FromEpsg(code);
        if (crs.Name is { } name)
        {
            return CrsNames.TryParseEpsg(name, out var epsg)
                ? SourceCrs.FromEpsg(epsg)
                : throw new SourceFormatException($"{path}: the \"crs\" member names \"{name}\", which is not an EPSG code or CRS84.");
        }
        throw new SourceFormatException(
            $"{path}: the \"crs\" member of type \"{crs.Type}\" is not supported; use {{\"type\":\"name\",\"properties\":{{\"name\":\"EPSG:3879\"}}}} or pass the CRS explicitly.");
    }

    // ---- parsers: each runs over a complete value in the window, or throws NeedMoreData to be run again ----

    private static void Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw JsonFileCursor.NeedMoreData.Instance;
    }

    private static void SkipCurrent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
            throw JsonFileCursor.NeedMoreData.Instance;
    }

    private bool ReadRootStart(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.StartObject
            ? true
            : throw new SourceFormatException($"{path}: not GeoJSON: the file does not hold a JSON object but a {reader.TokenType}.");
    }

    private static string? ReadMemberName(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.EndObject ? null : reader.GetString();
    }

    private static bool ReadArrayStart(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.StartArray) return true;
        SkipCurrent(ref reader);
        return false;
    }

    private static string? ReadOptionalString(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType == JsonTokenType.String) return reader.GetString();
        SkipCurrent(ref reader);
        return null;
    }

    /// <summary>The legacy crs member: <c>{"type":"name","properties":{"name":...}}</c> or <c>{"type":"EPSG","properties":{"code":3879}}</c>.</summary>
    private static (string? Type, string? Name, int? Code) ReadCrs(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipCurrent(ref reader);
            return (null, null, null);
        }
        string? type = null, name = null;
        int? code = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.ValueTextEquals("type"u8))
            {
                Next(ref reader);
                type = reader.TokenType == JsonTokenType.String ? reader.GetString() : type;
                continue;
            }
            if (!reader.ValueTextEquals("properties"u8))
            {
                Next(ref reader);
                SkipCurrent(ref reader);
                continue;
            }
            Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                SkipCurrent(ref reader);
                continue;
            }
            while (true)
            {
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                var isName = reader.ValueTextEquals("name"u8);
                var isCode = reader.ValueTextEquals("code"u8);
                Next(ref reader);
                if (isName && reader.TokenType == JsonTokenType.String) name = reader.GetString();
                else if (isCode && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var c)) code = c;
                else if (isCode && reader.TokenType == JsonTokenType.String && int.TryParse(reader.GetString(), out c)) code = c;
                else SkipCurrent(ref reader);
            }
        }
        return (type ?? "(missing)", name, code);
    }

    private SourceFeature ReadRootFeature(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return ReadFeature(ref reader);
    }

    private SourceFeature ReadRootGeometry(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        var (geometry, error) = ReadGeometryValue(ref reader);
        return new SourceFeature(number, geometry, NoAttributes, error);
    }

    private SourceFeature? ReadNextFeature(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return reader.TokenType == JsonTokenType.EndArray ? null : ReadFeature(ref reader);
    }

    /// <summary>A Feature object; its members come in any order. The reader is on the value's first token.</summary>
    private SourceFeature ReadFeature(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipCurrent(ref reader);
            return new SourceFeature(number, null, NoAttributes, $"the feature is not a JSON object but a {reader.TokenType}");
        }
        Dictionary<string, object?>? attributes = null;
        object? id = null;
        Geometry? geometry = null;
        string? error = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.ValueTextEquals("geometry"u8))
            {
                Next(ref reader);
                (geometry, error) = ReadGeometryValue(ref reader);
            }
            else if (reader.ValueTextEquals("properties"u8))
            {
                Next(ref reader);
                attributes = ReadProperties(ref reader);
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                Next(ref reader);
                id = ReadValue(ref reader);
            }
            else
            {
                Next(ref reader);
                SkipCurrent(ref reader);
            }
        }
        attributes ??= [];
        if (id is not null) attributes[FieldCounter.IdName(attributes)] = id;
        return new SourceFeature(number, geometry, attributes, error);
    }

    private Dictionary<string, object?> ReadProperties(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipCurrent(ref reader);
            return [];
        }
        var attributes = new Dictionary<string, object?>();
        var index = 0;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) return attributes;
            var name = PropertyName(ref reader, index++);
            Next(ref reader);
            var value = ReadValue(ref reader);
            // A name repeated within one object: the second value is kept under a name of its own, as the first pass counted it.
            if (!attributes.TryAdd(name, value)) attributes[FieldCounter.Suffixed(name, attributes)] = value;
        }
    }

    /// <summary>
    /// Features of one file nearly always list the same properties in the same order: reusing the previous feature's
    /// name strings saves millions of small allocations on a large file.
    /// </summary>
    private string PropertyName(ref Utf8JsonReader reader, int index)
    {
        if (index < propertyNames.Length && propertyNamesUtf8[index] is { } known && !reader.ValueIsEscaped
            && reader.ValueSpan.SequenceEqual(known))
        {
            return propertyNames[index];
        }
        var name = reader.GetString()!;
        if (index >= propertyNames.Length)
        {
            Array.Resize(ref propertyNames, index * 2);
            Array.Resize(ref propertyNamesUtf8, index * 2);
        }
        propertyNames[index] = name;
        propertyNamesUtf8[index] = Encoding.UTF8.GetBytes(name);
        return name;
    }

    /// <summary>A property value: string, long when integral, double, bool, null; objects and arrays as their JSON text.</summary>
    private object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Number:
                // Boxed apart: a conditional of long and double would make every integer a double, and ids past 2^53 lose digits.
                return reader.TryGetInt64(out var integer) ? integer : (object)reader.GetDouble();
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Null:
                return null;
            default:
                var from = (int)reader.TokenStartIndex;
                SkipCurrent(ref reader);
                return Encoding.UTF8.GetString(cursor.Window[from..(int)reader.BytesConsumed]);
        }
    }

    /// <summary>
    /// A geometry member: the geometry, or null with the reason when it cannot be read. The rest of the geometry is
    /// skipped after an error so that reading goes on with the next member.
    /// </summary>
    private (Geometry? Geometry, string? Error) ReadGeometryValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null) return (null, null);
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            SkipCurrent(ref reader);
            return (null, $"the geometry is not a JSON object but a {reader.TokenType}");
        }
        var depth = reader.CurrentDepth;
        RawGeometry raw;
        try
        {
            raw = ReadGeometryObject(ref reader);
        }
        catch (GeometryFormatException e)
        {
            while (!(reader.CurrentDepth == depth && reader.TokenType == JsonTokenType.EndObject)) Next(ref reader);
            return (null, e.Message);
        }
        try
        {
            var geometry = Build(raw);
            return geometry is null || geometry.IsEmpty ? (null, null) : (geometry, null);
        }
        catch (GeometryFormatException e)
        {
            return (null, e.Message);
        }
        catch (ArgumentException e)
        {
            // NTS refuses rings with fewer than 4 points or that are not closed, and lines of one point.
            return (null, $"{raw.Type}: {e.Message}");
        }
    }

    private RawGeometry ReadGeometryObject(ref Utf8JsonReader reader)
    {
        string? type = null;
        object? coordinates = null;
        List<RawGeometry>? members = null;
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.ValueTextEquals("type"u8))
            {
                Next(ref reader);
                type = reader.TokenType == JsonTokenType.String
                    ? reader.GetString()
                    : throw new GeometryFormatException("the geometry's \"type\" is not a string");
            }
            else if (reader.ValueTextEquals("coordinates"u8))
            {
                Next(ref reader);
                coordinates = reader.TokenType switch
                {
                    JsonTokenType.StartArray => ReadCoordinates(ref reader),
                    JsonTokenType.Null => null,
                    _ => throw new GeometryFormatException("\"coordinates\" is not an array"),
                };
            }
            else if (reader.ValueTextEquals("geometries"u8))
            {
                Next(ref reader);
                if (reader.TokenType != JsonTokenType.StartArray) throw new GeometryFormatException("\"geometries\" is not an array");
                members = [];
                while (true)
                {
                    Next(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray) break;
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new GeometryFormatException("a member of \"geometries\" is not an object");
                    members.Add(ReadGeometryObject(ref reader));
                }
            }
            else
            {
                Next(ref reader);
                SkipCurrent(ref reader);
            }
        }
        return new RawGeometry(type, coordinates, members);
    }

    /// <summary>
    /// Nested coordinate arrays, the reader on their opening bracket: a position gives a <see cref="Coordinate"/>
    /// (Z and M dropped), an array of positions its x and y packed in a double[] (x0, y0, x1, y1, ...), deeper arrays
    /// object[] of those. Packed, a ring of five positions is one array instead of five coordinates and an array of them.
    /// </summary>
    private object ReadCoordinates(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        return ReadCoordinatesInside(ref reader);
    }

    /// <summary><see cref="ReadCoordinates"/> once past the opening bracket: the reader on the array's first token.</summary>
    private object ReadCoordinatesInside(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.EndArray:
                return EmptyArray;
            case JsonTokenType.Number:
                var (x, y) = ReadPositionRest(ref reader);
                return new Coordinate(x, y);
            case JsonTokenType.StartArray:
                Next(ref reader);
                if (reader.TokenType == JsonTokenType.Number)
                {
                    // An array of positions. They never nest further, so one scratch buffer serves every sequence in turn.
                    scratchLength = 0;
                    while (true)
                    {
                        var (px, py) = ReadPositionRest(ref reader);
                        AddToScratch(px, py);
                        Next(ref reader);
                        if (reader.TokenType == JsonTokenType.EndArray) return scratch.AsSpan(0, scratchLength).ToArray();
                        if (reader.TokenType == JsonTokenType.StartArray) Next(ref reader);
                        else throw new GeometryFormatException("positions and arrays are mixed at one level of \"coordinates\"");
                        if (reader.TokenType != JsonTokenType.Number)
                            throw new GeometryFormatException("positions and arrays are mixed at one level of \"coordinates\"");
                    }
                }
                var children = new List<object> { ReadCoordinatesInside(ref reader) };
                while (true)
                {
                    Next(ref reader);
                    if (reader.TokenType == JsonTokenType.EndArray) return children.ToArray();
                    var child = reader.TokenType == JsonTokenType.StartArray ? ReadCoordinates(ref reader) : null;
                    if (child is null or Coordinate)
                        throw new GeometryFormatException("positions and arrays are mixed at one level of \"coordinates\"");
                    children.Add(child);
                }
            default:
                throw new GeometryFormatException($"\"coordinates\" holds a {reader.TokenType} where a number or an array belongs");
        }
    }

    /// <summary>A position's x (the reader on it), y, and any further numbers (Z, M: dropped), up to its closing bracket.</summary>
    private static (double X, double Y) ReadPositionRest(ref Utf8JsonReader reader)
    {
        var x = reader.GetDouble();
        Next(ref reader);
        if (reader.TokenType != JsonTokenType.Number) throw new GeometryFormatException("a position has fewer than two numbers");
        var y = reader.GetDouble();
        while (true)
        {
            Next(ref reader);
            if (reader.TokenType == JsonTokenType.EndArray) return (x, y);
            if (reader.TokenType != JsonTokenType.Number) throw new GeometryFormatException("a position holds something else than numbers");
        }
    }

    private void AddToScratch(double x, double y)
    {
        if (scratchLength + 2 > scratch.Length) Array.Resize(ref scratch, scratch.Length * 2);
        scratch[scratchLength++] = x;
        scratch[scratchLength++] = y;
    }

    private Geometry? Build(RawGeometry raw)
    {
        var c = raw.Coordinates;
        if (raw.Type != "GeometryCollection" && (c is null || ReferenceEquals(c, EmptyArray))) return raw.Type switch
        {
            "Point" or "MultiPoint" or "LineString" or "MultiLineString" or "Polygon" or "MultiPolygon" => null,
            null => throw new GeometryFormatException("the geometry has no \"type\""),
            _ => throw new GeometryFormatException($"unknown geometry type \"{raw.Type}\""),
        };
        switch (raw.Type)
        {
            case "Point":
                return factory.CreatePoint(As<Coordinate>(c, raw.Type));
            case "MultiPoint":
                return factory.CreateMultiPoint(Sequence(c, raw.Type));
            case "LineString":
                return factory.CreateLineString(Sequence(c, raw.Type));
            case "MultiLineString":
                var lineParts = As<object[]>(c, raw.Type);
                var lines = new LineString[lineParts.Length];
                for (var i = 0; i < lines.Length; i++) lines[i] = factory.CreateLineString(Sequence(lineParts[i], raw.Type));
                return factory.CreateMultiLineString(lines);
            case "Polygon":
                return Polygon(As<object[]>(c, raw.Type));
            case "MultiPolygon":
                var polygonParts = As<object[]>(c, raw.Type);
                var polygons = new Polygon[polygonParts.Length];
                for (var i = 0; i < polygons.Length; i++) polygons[i] = Polygon(As<object[]>(polygonParts[i], raw.Type));
                return factory.CreateMultiPolygon(polygons);
            case "GeometryCollection":
                return factory.CreateGeometryCollection((raw.Members ?? []).Select(Build).OfType<Geometry>().Where(g => !g.IsEmpty).ToArray());
            case null:
                throw new GeometryFormatException("the geometry has no \"type\"");
            default:
                throw new GeometryFormatException($"unknown geometry type \"{raw.Type}\"");
        }
    }

    private Polygon Polygon(object[] rings)
    {
        if (rings.Length == 0) return factory.CreatePolygon();
        var shell = Ring(rings[0]);
        var holes = rings.Length == 1 ? NoHoles : new LinearRing[rings.Length - 1];
        for (var i = 1; i < rings.Length; i++) holes[i - 1] = Ring(rings[i]);
        return factory.CreatePolygon(shell, holes);
    }

    private LinearRing Ring(object ring)
    {
        var points = Sequence(ring, "Polygon");
        // NTS accepts rings of 3 points (and leaves them to IsValid); GeoJSON asks for 4, as does PostGIS.
        if (points.Count is > 0 and < 4)
            throw new GeometryFormatException($"a Polygon ring has {points.Count} positions; at least 4 are needed");
        return factory.CreateLinearRing(points);
    }

    private CoordinateSequence Sequence(object? value, string type) =>
        ReferenceEquals(value, EmptyArray)
            ? factory.CoordinateSequenceFactory.Create(0, 2, 0)
            : new PackedDoubleCoordinateSequence(As<double[]>(value, type), 2, 0);

    private static T As<T>(object? value, string type) where T : class =>
        value as T ?? throw new GeometryFormatException($"the coordinates of a {type} are not nested as a {type}'s");

    /// <summary>A geometry object as read, before its type and coordinates are checked against each other.</summary>
    private sealed record RawGeometry(string? Type, object? Coordinates, List<RawGeometry>? Members);

    /// <summary>A geometry that is well-formed JSON but not a readable geometry.</summary>
    private sealed class GeometryFormatException(string message) : Exception(message);
}

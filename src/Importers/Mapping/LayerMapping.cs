using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace DigitalTwin.Importers.Mapping;

/// <summary>The domain fields a source attribute can map to.</summary>
internal enum DomainField
{
    Id, Name, Type, Address, Owner, Manager, Contractor, Commissioner, Subcontractor,
    Contract, ContractLayer, Objects, TaskTypes, ValidFrom, ValidTo, ResponseTimes,
}

/// <summary>
/// Where one domain field comes from: a source field, or a constant; optionally through a lookup of values
/// (e.g. "Stockholms stad" → "exploateringskontoret").
/// </summary>
internal sealed record FieldSource(string? Field, string? Constant, IReadOnlyDictionary<string, string>? Lookup)
{
    public string? Read(IReadOnlyDictionary<string, object?> attributes)
    {
        string? value;
        if (Constant is not null)
        {
            value = Constant;
        }
        else
        {
            if (!attributes.TryGetValue(Field!, out var raw)) return null;
            value = AttributeText(raw);
        }
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        return Lookup is not null && Lookup.TryGetValue(value, out var mapped) ? mapped : value;
    }

    /// <summary>Attribute values as text: integral doubles without ".0", dates as ISO dates.</summary>
    public static string? AttributeText(object? raw) => raw switch
    {
        null => null,
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt when dt.TimeOfDay == TimeSpan.Zero => dt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => raw.ToString(),
    };
}

/// <summary>
/// How a source file's attributes become domain fields. Read from a small JSON or YAML file (see docs/import.md);
/// without one, conventional field names in English, Swedish and Finnish are recognised.
/// </summary>
internal sealed class LayerMapping
{
    /// <summary>Conventional source names per field, tried case-insensitively when no mapping file names the field.</summary>
    private static readonly Dictionary<DomainField, string[]> Conventions = new()
    {
        [DomainField.Id] = ["id", "fid", "objectid", "gid", "source_id"],
        [DomainField.Name] = ["name", "namn", "nimi"],
        [DomainField.Type] = ["type", "typ", "tyyppi"],
        [DomainField.Address] = ["address", "adress", "osoite"],
        [DomainField.Owner] = ["owner", "agare", "ägare", "omistaja"],
        [DomainField.Manager] = ["manager", "forvaltare", "förvaltare", "haltija"],
        [DomainField.Contractor] = ["contractor", "entreprenor", "entreprenör", "urakoitsija"],
        [DomainField.Commissioner] = ["commissioner", "bestallare", "beställare", "tilaaja"],
        [DomainField.Subcontractor] = ["subcontractor", "underentreprenor", "underentreprenör", "aliurakoitsija"],
        [DomainField.Contract] = ["contract", "contract_id"],
        [DomainField.ContractLayer] = ["contract_layer"],
        [DomainField.Objects] = ["objects", "covers"],
        [DomainField.TaskTypes] = ["task_types", "tasktypes", "tasks"],
        [DomainField.ValidFrom] = ["valid_from", "validfrom", "start_date"],
        [DomainField.ValidTo] = ["valid_to", "validto", "end_date"],
        [DomainField.ResponseTimes] = ["response_times", "response_time", "responstid", "vasteaika", "vasteajat"],
    };

    private readonly Dictionary<DomainField, FieldSource> explicitFields;

    private LayerMapping(Dictionary<DomainField, FieldSource> fields, string? crs, string? encoding, string? wktColumn, string? xColumn, string? yColumn, string? table)
    {
        explicitFields = fields;
        Crs = crs;
        Encoding = encoding;
        WktColumn = wktColumn;
        XColumn = xColumn;
        YColumn = yColumn;
        Table = table;
    }

    public string? Crs { get; }
    public string? Encoding { get; }
    public string? WktColumn { get; }
    public string? XColumn { get; }
    public string? YColumn { get; }
    public string? Table { get; }

    public static LayerMapping Conventional { get; } = new([], null, null, null, null, null, null);

    /// <summary>Which source field feeds which domain field, given a file's field names (the mapping itself is shared and immutable).</summary>
    public IReadOnlyDictionary<DomainField, FieldSource> Resolve(IEnumerable<string> sourceFieldNames)
    {
        var names = sourceFieldNames.ToList();
        var result = new Dictionary<DomainField, FieldSource>(explicitFields);
        foreach (var (field, candidates) in Conventions)
        {
            if (result.ContainsKey(field)) continue;
            var match = candidates.Select(c => names.FirstOrDefault(n => n.Equals(c, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(n => n is not null);
            if (match is not null) result[field] = new FieldSource(match, null, null);
        }
        return result;
    }

    /// <summary>Source fields the mapping names explicitly, to check against what the file has.</summary>
    public IEnumerable<(DomainField Field, string SourceField)> ExplicitSourceFields =>
        explicitFields.Where(f => f.Value.Field is not null).Select(f => (f.Key, f.Value.Field!));

    public static LayerMapping Load(string path) => Parse(Read(path), path);

    /// <summary>A mapping file's content as compact JSON (YAML converted), checked as a mapping: what a sync keeps.</summary>
    public static string ToJson(string path)
    {
        var root = Read(path);
        Parse(root, path);
        return root.ToJsonString();
    }

    private static JsonObject Read(string path)
    {
        if (!File.Exists(path)) throw new MappingException($"{path}: the mapping file does not exist.");
        JsonNode? root;
        try
        {
            var text = File.ReadAllText(path);
            root = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? YamlToJson(text)
                : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new MappingException($"{path}: not valid {(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "YAML")}: {e.Message}");
        }
        return root as JsonObject ?? throw new MappingException($"{path}: the mapping must be an object with a \"fields\" member.");
    }

    public static LayerMapping Parse(JsonObject root, string path)
    {
        var fields = new Dictionary<DomainField, FieldSource>();
        foreach (var (key, node) in root)
        {
            if (key is not ("fields" or "crs" or "encoding" or "geometry" or "table"))
                throw new MappingException($"{path}: unknown member \"{key}\"; expected fields, crs, encoding, geometry or table.");
        }
        if (root["fields"] is JsonObject fieldsNode)
        {
            foreach (var (key, node) in fieldsNode)
            {
                if (!Enum.TryParse<DomainField>(key, ignoreCase: true, out var field) || int.TryParse(key, out _))
                {
                    throw new MappingException(
                        $"{path}: fields.{key} is not a domain field; expected one of {string.Join(", ", Enum.GetNames<DomainField>().Select(Camel))}.");
                }
                fields[field] = ParseSource(node, $"{path}: fields.{key}");
            }
        }
        else if (root["fields"] is not null)
        {
            throw new MappingException($"{path}: \"fields\" must be an object of domain field → source field.");
        }

        string? wkt = null, x = null, y = null;
        if (root["geometry"] is JsonObject geometry)
        {
            wkt = Text(geometry["wkt"], $"{path}: geometry.wkt");
            x = Text(geometry["x"], $"{path}: geometry.x");
            y = Text(geometry["y"], $"{path}: geometry.y");
            if ((x is null) != (y is null)) throw new MappingException($"{path}: geometry needs both x and y.");
        }
        return new LayerMapping(fields, Text(root["crs"], $"{path}: crs"), Text(root["encoding"], $"{path}: encoding"), wkt, x, y, Text(root["table"], $"{path}: table"));
    }

    private static FieldSource ParseSource(JsonNode? node, string where)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var field):
                return new FieldSource(field, null, null);
            case JsonObject obj:
                var name = Text(obj["field"], where + ".field");
                var constant = obj["value"] is JsonValue v ? FieldSource.AttributeText(v.GetValue<JsonElement>().ValueKind switch
                {
                    JsonValueKind.String => v.GetValue<string>(),
                    _ => v.ToJsonString(),
                }) : null;
                if ((name is null) == (constant is null)) throw new MappingException($"{where}: give either \"field\" or \"value\".");
                Dictionary<string, string>? lookup = null;
                if (obj["map"] is JsonObject map)
                {
                    lookup = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (from, to) in map) lookup[from] = Text(to, $"{where}.map.{from}") ?? "";
                }
                return new FieldSource(name, constant, lookup);
            default:
                throw new MappingException($"{where}: expected a source field name, or {{\"field\": ...}} / {{\"value\": ...}}.");
        }
    }

    private static string? Text(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => throw new MappingException($"{where}: expected a text value."),
    };

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static JsonNode? YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().Build().Deserialize<object?>(new StringReader(yaml));
        return JsonSerializer.SerializeToNode(graph);
    }
}

/// <summary>A mapping file that cannot be used; the message names the file and the member.</summary>
internal sealed class MappingException(string message) : Exception(message);

using System.Text.Json.Nodes;

namespace DigitalTwin.Importers.Mapping;

/// <summary>The domain fields a source attribute can map to.</summary>
internal enum DomainField
{
    Id, Name, Type, Address, Owner, Manager, Contractor, Commissioner, Subcontractor,
    Contract, ContractLayer, Objects, TaskTypes, ValidFrom, ValidTo, ResponseTimes,
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

    private LayerMapping(Dictionary<DomainField, FieldSource> fields, string? crs, string? encoding, string? wktColumn, string? xColumn, string? yColumn, string? table, string? objectsLayer = null)
    {
        ObjectsLayer = objectsLayer;
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

    /// <summary>The layer a contract's listed objects are in, when the file lists bare ids rather than layer:id.</summary>
    public string? ObjectsLayer { get; }

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
            if (match is not null) result[field] = FieldSource.Of(match);
        }
        return result;
    }

    /// <summary>Source fields the mapping names explicitly, to check against what the file has.</summary>
    public IEnumerable<(DomainField Field, string SourceField)> ExplicitSourceFields =>
        explicitFields.SelectMany(f => f.Value.Fields.Select(source => (f.Key, source)));

    public static LayerMapping Load(string path) => Parse(MappingFile.Read(path), path);

    /// <summary>A mapping file's content as compact JSON (YAML converted), checked as a mapping: what a sync keeps.</summary>
    public static string ToJson(string path)
    {
        var root = MappingFile.Read(path);
        Parse(root, path);
        return root.ToJsonString();
    }

    public static LayerMapping Parse(JsonObject root, string path)
    {
        var fields = new Dictionary<DomainField, FieldSource>();
        foreach (var (key, node) in root)
        {
            if (key is not ("fields" or "crs" or "encoding" or "geometry" or "table" or "objectsLayer"))
                throw new MappingException($"{path}: unknown member \"{key}\"; expected fields, crs, encoding, geometry, table or objectsLayer.");
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
                fields[field] = FieldSource.Parse(node, $"{path}: fields.{key}");
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
        var objectsLayer = Text(root["objectsLayer"], $"{path}: objectsLayer");
        if (objectsLayer is not null && !LayerNames.IsValid(objectsLayer))
            throw new MappingException($"{path}: objectsLayer '{objectsLayer}' is not a layer name: {LayerNames.Rule}.");
        return new LayerMapping(fields, Text(root["crs"], $"{path}: crs"), Text(root["encoding"], $"{path}: encoding"), wkt, x, y, Text(root["table"], $"{path}: table"), objectsLayer);
    }

    private static string? Text(JsonNode? node, string where) => FieldSource.Text(node, where);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}

/// <summary>A mapping file that cannot be used; the message names the file and the member.</summary>
internal sealed class MappingException(string message) : Exception(message);

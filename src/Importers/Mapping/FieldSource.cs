using System.Globalization;
using System.Text.Json.Nodes;

namespace DigitalTwin.Importers.Mapping;

/// <summary>
/// Where one mapped field comes from: one source field, several joined (a composite id), the row number, or a
/// constant; a default for when the source is empty; and optionally a lookup of values ("Trafikverket" →
/// "trafikverket"). A <c>lookup</c> reports a value it does not hold; the older <c>map</c> passes it on as written.
/// </summary>
/// <param name="Fields">The source fields read, in order; empty for a constant or the row number.</param>
/// <param name="Join">What goes between the values of several fields.</param>
/// <param name="RowNumber">The feature's number in the file is the value (a table without an id).</param>
/// <param name="Constant">The value of every feature.</param>
/// <param name="Default">The value when the source fields are empty (not looked up).</param>
/// <param name="Lookup">Source value → stored value, case-insensitive.</param>
/// <param name="ReportUnmatched">A value the lookup does not hold is reported (lookup), rather than passed on (map).</param>
internal sealed record FieldSource(
    IReadOnlyList<string> Fields,
    string Join = "-",
    bool RowNumber = false,
    string? Constant = null,
    string? Default = null,
    IReadOnlyDictionary<string, string>? Lookup = null,
    bool ReportUnmatched = false)
{
    public static FieldSource Of(string field) => new([field]);

    /// <summary>The single source field, when there is exactly one (what a report names as the field mapped).</summary>
    public string? Field => Fields.Count == 1 ? Fields[0] : null;

    /// <summary>
    /// The value for one feature (trimmed; null when empty and no default). A value a <c>lookup</c> does not hold goes to
    /// <paramref name="unmatched"/> and is returned as written, so that the caller's own checks still see it.
    /// </summary>
    public string? Read(IReadOnlyDictionary<string, object?> attributes, long row = 0, Action<string>? unmatched = null)
    {
        string? value;
        if (Constant is not null) return Constant;
        if (RowNumber)
        {
            value = row.ToString(CultureInfo.InvariantCulture);
        }
        else if (Fields.Count == 1)
        {
            value = attributes.TryGetValue(Fields[0], out var raw) ? AttributeText(raw)?.Trim() : null;
        }
        else
        {
            // A composite is whole or nothing: "A-" for a missing second part would be an id that collides later.
            var parts = new string[Fields.Count];
            value = null;
            for (var i = 0; i < Fields.Count; i++)
            {
                var part = attributes.TryGetValue(Fields[i], out var raw) ? AttributeText(raw)?.Trim() : null;
                if (string.IsNullOrEmpty(part)) { parts = null; break; }
                parts[i] = part;
            }
            if (parts is not null) value = string.Join(Join, parts);
        }
        if (string.IsNullOrWhiteSpace(value)) return Default;
        if (Lookup is null) return value;
        if (Lookup.TryGetValue(value, out var mapped)) return mapped;
        if (ReportUnmatched) unmatched?.Invoke(value);
        return value;
    }

    /// <summary>Attribute values as text: integral doubles without ".0", dates as ISO dates.</summary>
    public static string? AttributeText(object? raw) => raw switch
    {
        null => null,
        string s => s,
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e15 => ((long)d).ToString(CultureInfo.InvariantCulture),
        DateTime dt when dt.TimeOfDay == TimeSpan.Zero => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString("o", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => raw.ToString(),
    };

    private static readonly string[] Members = ["from", "field", "join", "row", "const", "value", "default", "lookup", "map"];

    /// <summary>
    /// Reads one field of a mapping file: <c>"NAMN"</c>; <c>{"from": "NAMN"}</c> or <c>{"from": ["a", "b"], "join": "-"}</c>;
    /// <c>{"row": true}</c>; <c>{"const": "bridge"}</c>; each source with an optional <c>default</c> and <c>lookup</c>.
    /// The older <c>field</c>, <c>value</c> and <c>map</c> are still read.
    /// </summary>
    public static FieldSource Parse(JsonNode? node, string where)
    {
        if (node is JsonValue single && single.TryGetValue<string>(out var name)) return Of(name);
        if (node is not JsonObject obj)
        {
            throw new MappingException($"{where}: expected a source field name, or an object with from, row or const (see docs/import.md#mapping-files).");
        }
        foreach (var (key, _) in obj)
        {
            if (!Members.Contains(key)) throw new MappingException($"{where}: unknown member \"{key}\"; expected {string.Join(", ", Members)}.");
        }
        if (obj["from"] is not null && obj["field"] is not null) throw new MappingException($"{where}: give \"from\" or \"field\", not both.");
        var fromNode = obj["from"] ?? obj["field"];
        List<string> fields = fromNode switch
        {
            null => [],
            JsonArray array => [.. array.Select((f, i) => Text(f, $"{where}.from[{i}]") ?? throw new MappingException($"{where}.from[{i}]: expected a field name."))],
            _ => [Text(fromNode, where + ".from")!],
        };
        if (fromNode is JsonArray && fields.Count == 0) throw new MappingException($"{where}.from: name at least one field.");
        var row = obj["row"] switch
        {
            null => false,
            JsonValue v when v.TryGetValue<bool>(out var b) => b,
            JsonValue v when v.TryGetValue<string>(out var t) && t is "true" or "false" => t == "true", // YAML's scalars come as text
            _ => throw new MappingException($"{where}.row: expected true."),
        };
        if (obj["const"] is not null && obj["value"] is not null) throw new MappingException($"{where}: give \"const\" or \"value\", not both.");
        var constant = obj["const"] ?? obj["value"];
        var constantText = constant is JsonValue c
            ? (c.TryGetValue<string>(out var s) ? s : c.ToJsonString())
            : constant is null ? null : throw new MappingException($"{where}.const: expected a text value.");
        var sources = (fields.Count > 0 ? 1 : 0) + (row ? 1 : 0) + (constantText is not null ? 1 : 0);
        if (sources != 1) throw new MappingException($"{where}: give exactly one of \"from\" (or \"field\"), \"row\" or \"const\" (or \"value\").");

        var join = Text(obj["join"], where + ".join");
        if (join is not null && fields.Count < 2) throw new MappingException($"{where}.join: joins the values of several fields; \"from\" names one.");
        var defaultText = Text(obj["default"], where + ".default");
        if (defaultText is not null && constantText is not null) throw new MappingException($"{where}.default: a constant is never empty; give \"const\" or \"default\".");
        if (obj["lookup"] is not null && obj["map"] is not null) throw new MappingException($"{where}: give \"lookup\" or \"map\", not both.");
        var table = obj["lookup"] ?? obj["map"];
        Dictionary<string, string>? lookup = null;
        if (table is not null)
        {
            if (table is not JsonObject entries) throw new MappingException($"{where}.lookup: expected an object of source value → value.");
            if (constantText is not null) throw new MappingException($"{where}.lookup: a constant needs no lookup; write the value itself.");
            lookup = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (from, to) in entries) lookup[from.Trim()] = Text(to, $"{where}.lookup.{from}") ?? "";
        }
        return new FieldSource(fields, join ?? "-", row, constantText, defaultText, lookup, ReportUnmatched: obj["lookup"] is not null);
    }

    internal static string? Text(JsonNode? node, string where) => node switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        JsonValue value => value.ToJsonString(),
        _ => throw new MappingException($"{where}: expected a text value."),
    };
}

using System.Text.Json.Nodes;
using DigitalTwin.Importers.Mapping;

namespace DigitalTwin.Importers.Catalog;

/// <summary>
/// How a file of organisations or task types becomes catalog rows: the same mapping files and field forms as layers
/// (<see cref="FieldSource"/>), with the catalog's columns as the fields (<c>key</c>, <c>kind</c>, <c>name_sv</c> or
/// <c>nameSv</c>, <c>webhook_url</c>, ...). A column without a mapping is read from the file's column of that name.
/// </summary>
internal sealed class CatalogMapping
{
    public static readonly string[] OrganisationColumns = ["key", "kind", "name_fi", "name_sv", "name_en", "webhook_url", "open311_endpoint", "email"];
    public static readonly string[] TaskTypeColumns = ["code", "name_fi", "name_sv", "name_en"];

    private readonly Dictionary<string, FieldSource> explicitFields;

    private CatalogMapping(Dictionary<string, FieldSource> fields, string? encoding)
    {
        explicitFields = fields;
        Encoding = encoding;
    }

    /// <summary>The catalog's own column names, nothing mapped.</summary>
    public static CatalogMapping Conventional { get; } = new([], null);

    /// <summary>The text encoding of a CSV, when it is not UTF-8.</summary>
    public string? Encoding { get; }

    public static IReadOnlyList<string> Columns(CatalogKind kind) => kind == CatalogKind.Organisation ? OrganisationColumns : TaskTypeColumns;

    public static CatalogMapping Load(string path, CatalogKind kind) => Parse(MappingFile.Read(path), path, kind);

    public static CatalogMapping Parse(JsonObject root, string path, CatalogKind kind)
    {
        foreach (var (key, _) in root)
        {
            if (key is not ("fields" or "encoding"))
                throw new MappingException($"{path}: unknown member \"{key}\"; a mapping of {What(kind)} has fields and encoding.");
        }
        var fields = new Dictionary<string, FieldSource>(StringComparer.Ordinal);
        if (root["fields"] is JsonObject fieldsNode)
        {
            foreach (var (key, node) in fieldsNode)
            {
                var column = Snake(key);
                if (!Columns(kind).Contains(column))
                    throw new MappingException($"{path}: fields.{key} is not a column of {What(kind)}; expected one of {string.Join(", ", Columns(kind))}.");
                fields[column] = FieldSource.Parse(node, $"{path}: fields.{key}");
            }
        }
        else if (root["fields"] is not null)
        {
            throw new MappingException($"{path}: \"fields\" must be an object of column → source field.");
        }
        return new CatalogMapping(fields, FieldSource.Text(root["encoding"], $"{path}: encoding"));
    }

    /// <summary>
    /// Where each catalog column comes from in a file with these columns: the mapping's source, else the file's column of
    /// the same name (in any letter case).
    /// </summary>
    /// <exception cref="Pipeline.ImportException">The mapping names a column the file does not have.</exception>
    public IReadOnlyDictionary<string, FieldSource> Resolve(string file, CatalogKind kind, IReadOnlyList<string> fileColumns)
    {
        var result = new Dictionary<string, FieldSource>(explicitFields, StringComparer.Ordinal);
        foreach (var (column, source) in explicitFields)
        {
            foreach (var field in source.Fields.Where(f => !fileColumns.Contains(f, StringComparer.Ordinal)))
            {
                var sameButCase = fileColumns.FirstOrDefault(n => n.Equals(field, StringComparison.OrdinalIgnoreCase));
                throw new Pipeline.ImportException(
                    $"{file}: the mapping takes {column} from the column '{field}', which the file does not have"
                    + (sameButCase is null ? "" : $" (names are case-sensitive: the file has '{sameButCase}')")
                    + $". Its columns are: {string.Join(", ", fileColumns)}.");
            }
        }
        foreach (var column in Columns(kind).Where(c => !result.ContainsKey(c)))
        {
            if (fileColumns.FirstOrDefault(n => n.Equals(column, StringComparison.OrdinalIgnoreCase)) is { } match) result[column] = FieldSource.Of(match);
        }
        return result;
    }

    public static string What(CatalogKind kind) => kind == CatalogKind.Organisation ? "organisations" : "task types";

    /// <summary>nameSv → name_sv, webhookUrl → webhook_url; snake case stays.</summary>
    private static string Snake(string key) =>
        string.Concat(key.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}

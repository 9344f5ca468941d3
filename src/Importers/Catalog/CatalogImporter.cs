using System.Text.Json;
using System.Text.RegularExpressions;
using DigitalTwin.Data.Text;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using Npgsql;

namespace DigitalTwin.Importers.Catalog;

/// <summary>What a catalog import is of.</summary>
internal enum CatalogKind { Organisation, TaskType }

/// <summary>
/// Loads organisations or task types from CSV or JSON (an array of objects), through a mapping like a layer's
/// (<see cref="CatalogMapping"/>): by default a column per catalog column, of the same name. Rows are inserted or
/// updated by key, all in one transaction: one bad row rejects the file and changes nothing. Nothing is deleted, since
/// layers refer to organisations by key. A column the mapping does not use is listed as ignored, never dropped unsaid.
/// </summary>
internal sealed partial class CatalogImporter(NpgsqlDataSource dataSource, CatalogMapping? mapping = null)
{
    private static readonly string[] OrganisationKinds = ["administration", "company", "contractor", "private", "state", "other"];
    private static readonly string[] Channels = ["webhook_url", "open311_endpoint", "email"];

    public async Task<CatalogResult> ImportAsync(string file, CatalogKind kind, bool dryRun, CancellationToken cancellationToken)
    {
        var map = mapping ?? CatalogMapping.Conventional;
        var columns = CatalogMapping.Columns(kind);
        var keyColumn = columns[0];
        var what = CatalogMapping.What(kind);
        var read = ReadRows(file, map.Encoding, cancellationToken).ToList();
        if (read.Count == 0) throw new ImportException($"{file}: the file has no rows.");
        var report = new ImportReport(null);

        // Every column of the file, in the order first seen, with the rows that have it (JSON rows list their own).
        var fileColumns = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (_, attributes) in read)
        {
            foreach (var column in attributes.Keys) fileColumns[column] = fileColumns.GetValueOrDefault(column) + 1;
        }
        var sources = map.Resolve(file, kind, [.. fileColumns.Keys]);
        // A file whose header has other names is one problem, said once, not a "missing key" on every row.
        var required = kind == CatalogKind.Organisation ? new[] { "key", "kind" } : ["code"];
        var missing = required.Where(c => !sources.ContainsKey(c)).ToList();
        if (!sources.Keys.Any(c => c.StartsWith("name_", StringComparison.Ordinal))) missing.Add("name_fi, name_sv or name_en");
        if (missing.Count > 0)
        {
            throw new ImportException(
                $"{file}: no column gives the {what}' {string.Join(", ", missing)}. The file's columns are: {string.Join(", ", fileColumns.Keys)}. "
                + $"Name them {string.Join(", ", columns)}, or map them with a mapping file (--map; see docs/import.md#organisations-and-task-types).");
        }
        report.Fields = ColumnUses(fileColumns, sources, kind, read.Count);

        var rows = new List<(long Number, Dictionary<string, string?> Row)>();
        foreach (var (number, attributes) in read)
        {
            report.FeaturesRead++;
            var row = new Dictionary<string, string?>(StringComparer.Ordinal);
            string? key = null;
            void Problem(Severity severity, string reason) => report.Add(new ImportProblem(number, key, severity, reason));
            void Error(string reason) => Problem(Severity.Error, reason);
            foreach (var column in columns)
            {
                row[column] = sources.TryGetValue(column, out var source)
                    ? Blank(source.Read(attributes, number, value => Error(
                        $"unmatched value: '{value}' in {column} (from {string.Join(", ", source.Fields)}) is not in the mapping's lookup")))
                    : null;
                if (column == keyColumn) key = row[column];
            }
            if (kind == CatalogKind.Organisation)
            {
                ValidateOrganisation(row, Error);
                // Cases routed to it could not be forwarded: say so before anyone finds out from a stuck case.
                if (Channels.All(c => row[c] is null))
                    Problem(Severity.Warning, $"no delivery channel: cases for {key} cannot be forwarded to it (give webhook_url, open311_endpoint or email)");
            }
            else
            {
                ValidateTaskType(row, Error);
            }
            rows.Add((number, row));
        }
        foreach (var duplicate in rows.Where(r => r.Row[keyColumn] is not null).GroupBy(r => r.Row[keyColumn]).Where(g => g.Count() > 1))
        {
            foreach (var (number, _) in duplicate.Skip(1))
            {
                report.Add(new ImportProblem(number, duplicate.Key, Severity.Error, $"duplicate key: row {duplicate.First().Number} has the same key"));
            }
        }
        var result = new CatalogResult(report, [.. rows.Select(r => (IReadOnlyDictionary<string, string?>)r.Row)]);
        if (report.Errors > 0 || dryRun) return result;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (_, row) in rows)
        {
            await using var command = kind == CatalogKind.Organisation
                ? new NpgsqlCommand(
                    """
                    INSERT INTO organisations (key, kind, name_fi, name_sv, name_en, webhook_url, open311_endpoint, email)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                    ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, name_fi = excluded.name_fi, name_sv = excluded.name_sv,
                        name_en = excluded.name_en, webhook_url = excluded.webhook_url, open311_endpoint = excluded.open311_endpoint,
                        email = excluded.email, updated_at = now()
                    """, connection, transaction)
                : new NpgsqlCommand(
                    """
                    INSERT INTO task_types (code, name_fi, name_sv, name_en) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (code) DO UPDATE SET name_fi = excluded.name_fi, name_sv = excluded.name_sv,
                        name_en = excluded.name_en, updated_at = now()
                    """, connection, transaction);
            foreach (var column in columns) command.Parameters.AddWithValue((object?)row[column] ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
            report.Loaded++;
        }
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>
    /// Each column of the file and the catalog columns it feeds; one that feeds none is listed as ignored, so that a
    /// misnamed column (webhook for webhook_url) shows in the report, a dry run's included, instead of vanishing.
    /// </summary>
    private static List<FieldUse> ColumnUses(Dictionary<string, long> fileColumns, IReadOnlyDictionary<string, FieldSource> sources, CatalogKind kind, long rows) =>
        fileColumns.Select(c =>
            {
                var feeds = sources.Where(s => s.Value.Fields.Contains(c.Key)).Select(s => s.Key).ToList();
                return new FieldUse(c.Key, c.Value < rows ? c.Value : null, feeds, null, feeds.Count > 0 ? null
                    : $"not stored: no column of {CatalogMapping.What(kind)} is {c.Key} (they are {string.Join(", ", CatalogMapping.Columns(kind))}); map it with --map");
            })
            .ToList();

    private static void ValidateOrganisation(Dictionary<string, string?> row, Action<string> error)
    {
        var key = row.GetValueOrDefault("key");
        if (key is null) error("missing key: every organisation needs a key");
        else if (!KeyPattern().IsMatch(key)) error($"bad key: '{key}' must be lowercase letters, digits, '.', '_' or '-'");
        var kind = row.GetValueOrDefault("kind");
        if (kind is null || !OrganisationKinds.Contains(kind)) error($"bad kind: '{kind}' is not one of {string.Join(", ", OrganisationKinds)}");
        if (row.GetValueOrDefault("name_fi") is null && row.GetValueOrDefault("name_sv") is null && row.GetValueOrDefault("name_en") is null)
            error("missing name: give name_fi, name_sv or name_en");
        foreach (var urlField in new[] { "webhook_url", "open311_endpoint" })
        {
            if (row.GetValueOrDefault(urlField) is { } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                error($"bad {urlField}: '{url}' is not an http(s) URL");
        }
        // Checked with the parser the outbox sends with: an address it could not send to is refused here, not found dead later.
        if (row.GetValueOrDefault("email") is { } email && !EmailAddresses.IsValid(email)) error($"bad email: '{email}' is not an e-mail address");
    }

    private static void ValidateTaskType(Dictionary<string, string?> row, Action<string> error)
    {
        var code = row.GetValueOrDefault("code");
        if (code is null) error("missing code: every task type needs a code");
        else if (!CodePattern().IsMatch(code)) error($"bad code: '{code}' must be lowercase letters, digits and '-'");
        if (row.GetValueOrDefault("name_fi") is null && row.GetValueOrDefault("name_sv") is null && row.GetValueOrDefault("name_en") is null)
            error("missing name: give name_fi, name_sv or name_en");
    }

    /// <summary>The rows of a CSV (or a table GDAL reads) or a JSON array, with the file's column names (trimmed) and values.</summary>
    private static IEnumerable<(long Number, IReadOnlyDictionary<string, object?> Row)> ReadRows(string file, string? encoding, CancellationToken cancellationToken)
    {
        if (!File.Exists(file)) throw new ImportException($"{file}: no such file.");
        if (file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonElement root;
            try
            {
                root = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
            }
            catch (JsonException e)
            {
                throw new ImportException($"{file}: not valid JSON: {e.Message}");
            }
            if (root.ValueKind != JsonValueKind.Array) throw new ImportException($"{file}: expected a JSON array of objects.");
            var number = 0L;
            foreach (var item in root.EnumerateArray())
            {
                number++;
                if (item.ValueKind != JsonValueKind.Object) throw new ImportException($"{file}: item {number} is not an object.");
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var p in item.EnumerateObject())
                {
                    row[p.Name.Trim()] = p.Value.ValueKind switch
                    {
                        JsonValueKind.Null => null,
                        JsonValueKind.String => p.Value.GetString(),
                        _ => p.Value.GetRawText(),
                    };
                }
                yield return (number, row);
            }
            yield break;
        }

        IFeatureSource source;
        try
        {
            source = FeatureSources.Open(file, new SourceOptions { NoGeometry = true, Encoding = encoding });
        }
        catch (SourceFormatException e)
        {
            throw new ImportException(e.Message, e);
        }
        using (source)
        {
            foreach (var feature in source.ReadFeatures(cancellationToken))
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in feature.Attributes)
                {
                    var column = key.Trim();
                    if (row.ContainsKey(column)) throw new ImportException($"{file}: the column '{column}' appears twice in the header.");
                    row[column] = value;
                }
                yield return (feature.Number, row);
            }
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex CodePattern();
}

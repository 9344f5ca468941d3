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
/// Loads organisations or task types from CSV or JSON (an array of objects with the same fields as the CSV header).
/// Rows are inserted or updated by key, all in one transaction: one bad row rejects the file and changes nothing.
/// Nothing is deleted, since layers refer to organisations by key.
/// </summary>
internal sealed partial class CatalogImporter(NpgsqlDataSource dataSource)
{
    private static readonly string[] OrganisationKinds = ["administration", "company", "contractor", "private", "state", "other"];
    private static readonly string[] OrganisationColumns = ["key", "kind", "name_fi", "name_sv", "name_en", "webhook_url", "open311_endpoint", "email"];
    private static readonly string[] TaskTypeColumns = ["code", "name_fi", "name_sv", "name_en"];

    public async Task<ImportReport> ImportAsync(string file, CatalogKind kind, bool dryRun, CancellationToken cancellationToken)
    {
        var report = new ImportReport(null);
        var rows = new List<(long Number, Dictionary<string, string?> Row)>();
        var columns = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (number, row) in ReadRows(file, cancellationToken))
        {
            report.FeaturesRead++;
            foreach (var column in row.Keys) columns[column] = columns.GetValueOrDefault(column) + 1;
            var key = row.GetValueOrDefault(kind == CatalogKind.Organisation ? "key" : "code");
            void Error(string reason) => report.Add(new ImportProblem(number, key, Severity.Error, reason));
            if (kind == CatalogKind.Organisation) ValidateOrganisation(row, Error);
            else ValidateTaskType(row, Error);
            rows.Add((number, row));
        }
        if (report.FeaturesRead == 0) throw new ImportException($"{file}: the file has no rows.");
        report.Fields = ColumnUses(columns, kind);
        foreach (var duplicate in rows.GroupBy(r => r.Row.GetValueOrDefault(kind == CatalogKind.Organisation ? "key" : "code")).Where(g => g.Count() > 1))
        {
            foreach (var (number, _) in duplicate.Skip(1))
            {
                report.Add(new ImportProblem(number, duplicate.Key, Severity.Error, $"duplicate key: row {duplicate.First().Number} has the same key"));
            }
        }
        if (report.Errors > 0 || dryRun) return report;

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
            foreach (var column in kind == CatalogKind.Organisation ? OrganisationColumns : TaskTypeColumns) command.Parameters.AddWithValue((object?)row.GetValueOrDefault(column) ?? DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken);
            report.Loaded++;
        }
        await transaction.CommitAsync(cancellationToken);
        return report;
    }

    /// <summary>
    /// Each column of the file and where it goes; one that is no column of the catalog is listed as ignored, so that a
    /// misnamed column (webhook for webhook_url) shows in the report, a dry run's included, instead of vanishing.
    /// </summary>
    private static List<FieldUse> ColumnUses(Dictionary<string, long> columns, CatalogKind kind)
    {
        var known = kind == CatalogKind.Organisation ? OrganisationColumns : TaskTypeColumns;
        var what = kind == CatalogKind.Organisation ? "organisations" : "task types";
        return columns.Select(c => known.Contains(c.Key)
                ? new FieldUse(c.Key, null, [c.Key], null, null)
                : new FieldUse(c.Key, null, [], null, $"not a column of {what} (those are {string.Join(", ", known)})"))
            .ToList();
    }

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

    private static IEnumerable<(long, Dictionary<string, string?>)> ReadRows(string file, CancellationToken cancellationToken)
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
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var p in item.EnumerateObject())
                {
                    row[p.Name.Trim().ToLowerInvariant()] = p.Value.ValueKind == JsonValueKind.Null
                        ? null : Blank(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
                }
                yield return (number, row);
            }
            yield break;
        }

        IFeatureSource source;
        try
        {
            source = FeatureSources.Open(file, new SourceOptions { NoGeometry = true });
        }
        catch (SourceFormatException e)
        {
            throw new ImportException(e.Message, e);
        }
        using (source)
        {
            foreach (var feature in source.ReadFeatures(cancellationToken))
            {
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                foreach (var (key, value) in feature.Attributes)
                {
                    var column = key.Trim().ToLowerInvariant();
                    if (row.ContainsKey(column)) throw new ImportException($"{file}: the column '{column}' appears twice in the header.");
                    row[column] = Blank(FieldSource.AttributeText(value));
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

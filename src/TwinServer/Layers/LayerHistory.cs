using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using DigitalTwin.Data.Database;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;

namespace DigitalTwin.Server.Layers;

/// <summary>A kind of difference between two versions of one object.</summary>
public enum LayerChangeKind { Added, Removed, Moved, Changed }

/// <summary>One field whose value differs between two versions of an object: a domain field (name, owner, ...) or a source attribute; values as JSON text.</summary>
public sealed record FieldChange(string Field, bool Attribute, string Before, string After);

/// <summary>
/// How one object (by source id) differs between two versions of its layer: added, removed, moved (by how many metres
/// at most), and which fields changed; with its geometry before and after (GeoJSON, WGS84; null where it has none).
/// </summary>
public sealed record LayerChange(string Layer, string SourceId, bool Added, bool Removed, double? Moved, IReadOnlyList<FieldChange> Fields,
    string? Before, string? After)
{
    public string Id => $"{Layer}:{SourceId}";

    public bool Changed => Fields.Count > 0;
}

/// <summary>How many objects differ, by kind (one both moved and changed counts in both), and how many did not.</summary>
public sealed record LayerDiffCounts(long Added, long Removed, long Moved, long Changed, long Unchanged);

/// <summary>A page of the differences between versions <see cref="From"/> and <see cref="To"/> of a layer, with the counts of all of them.</summary>
public sealed record LayerDiff(string Layer, int From, int To, LayerDiffCounts Counts, IReadOnlyList<LayerChange> Changes, string? EndCursor, bool HasNextPage);

/// <summary>What a roll back made: the new version, the one it copies, and its objects.</summary>
public sealed record LayerRollbackResult(string Layer, int Version, int RestoredVersion, long Objects);

/// <summary>
/// The history of a layer for GIS staff: what changed between two of its versions, computed in PostGIS
/// (<c>layer_changes()</c>, migration 0023), and rolling back to an earlier one (<see cref="LayerRollback"/>: a new
/// version that copies it). Who may ask is checked by the callers (GraphQL's RoleRule, the layers page's backend).
/// </summary>
public sealed class LayerHistory(NpgsqlDataSource dataSource, AuditLog audit, Tiles.TileStore tiles, ILogger<LayerHistory> logger)
{
    public const int DefaultPageSize = 100, MaxPageSize = 1000;

    /// <summary>Metres below which a geometry counts as not moved: what a reprojection's rounding moves, not a surveyor.</summary>
    public const double MovedTolerance = 0.01;

    // Versions never change once loaded, so the counts of a pair are computed once (they read both versions whole).
    private static readonly ConcurrentDictionary<(int, int), LayerDiffCounts> CountsByPair = new();

    /// <summary>
    /// The differences between versions <paramref name="from"/> and <paramref name="to"/> (numbers within the layer;
    /// either order, usually older first): counts, and a page of them in source id order.
    /// </summary>
    public async Task<LayerDiff> DiffAsync(string layer, int from, int to, IReadOnlyCollection<LayerChangeKind>? kinds, int? first, string? after,
        CancellationToken cancellationToken)
    {
        var size = first ?? DefaultPageSize;
        if (size is < 1 or > MaxPageSize) throw new TwinException(ErrorCodes.BadPageSize, $"first must be 1 to {MaxPageSize}; it was {size}.");
        var afterId = after is null ? null : Cursor(after);
        var (ids, _, _) = await VersionsAsync(layer, [from, to], cancellationToken);
        var (fromId, toId) = (ids[from], ids[to]);

        var counts = await CountsAsync(fromId, toId, cancellationToken);
        await using var command = dataSource.CreateCommand(SqlResources.Get("Layers/diff.sql"));
        command.Parameters.AddWithValue(fromId);
        command.Parameters.AddWithValue(toId);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)afterId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = kinds is null || kinds.Count == 0 ? DBNull.Value : kinds.Select(k => k.ToString().ToLowerInvariant()).ToArray(),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text,
        });
        command.Parameters.AddWithValue(size + 1); // one more: whether there is a next page
        command.Parameters.AddWithValue(MovedTolerance);
        var changes = new List<LayerChange>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                changes.Add(new LayerChange(layer, reader.GetString(0), reader.GetBoolean(1), reader.GetBoolean(2),
                    reader.IsDBNull(3) ? null : Math.Round(reader.GetDouble(3), 2), reader.IsDBNull(5) ? [] : Fields(reader.GetString(5)),
                    reader.GetStringOrNull(6), reader.GetStringOrNull(7)));
            }
        }
        var more = changes.Count > size;
        if (more) changes.RemoveAt(size);
        return new LayerDiff(layer, from, to, counts, changes, changes.Count == 0 ? null : CursorOf(changes[^1].SourceId), more);
    }

    private async Task<LayerDiffCounts> CountsAsync(int fromId, int toId, CancellationToken cancellationToken)
    {
        if (CountsByPair.TryGetValue((fromId, toId), out var known)) return known;
        await using var command = dataSource.CreateCommand(SqlResources.Get("Layers/diff_counts.sql"));
        command.Parameters.AddWithValue(fromId);
        command.Parameters.AddWithValue(toId);
        command.Parameters.AddWithValue(MovedTolerance);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var counts = new LayerDiffCounts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        if (CountsByPair.Count > 256) CountsByPair.Clear();
        return CountsByPair[(fromId, toId)] = counts;
    }

    /// <summary>
    /// Makes a copy of version <paramref name="toVersion"/> the serving version of the layer, as long as version
    /// <paramref name="expectedVersion"/> (what the person saw) still serves. Recorded as a version of its own (mode
    /// rollback) and in the audit log.
    /// </summary>
    public async Task<LayerRollbackResult> RollBackAsync(ClaimsPrincipal who, string layer, int toVersion, int? expectedVersion, string? remoteAddress,
        CancellationToken cancellationToken)
    {
        var (_, current, _) = await VersionsAsync(layer, [toVersion], cancellationToken);
        if (current is null) throw new TwinException(ErrorCodes.UnknownVersion, $"The layer {layer} has no serving version to roll back from.");
        if (current == toVersion) throw new TwinException(ErrorCodes.BadRequest, $"Version {toVersion} of {layer} serves already; there is nothing to roll back.");
        var by = who.Identity?.Name ?? "unknown";
        LayerRollback.Result result;
        try
        {
            result = await LayerRollback.RollBackAsync(dataSource, layer, toVersion, expectedVersion, by, cancellationToken);
        }
        catch (StaleLayerException e)
        {
            throw new TwinException(ErrorCodes.StaleLayer, e.Message);
        }
        catch (ImportException e)
        {
            throw new TwinException(ErrorCodes.BadRequest, e.Message);
        }
        finally
        {
            // This node's very next tile answers from the version now serving.
            tiles.Forget();
        }
        Log.RolledBack(logger, by, layer, toVersion, result.Version, result.Objects);
        await audit.WriteAsync(who, "layer-rolled-back", $"layer:{layer}",
            new { version = result.Version, restored = toVersion, replaced = current, objects = result.Objects }, remoteAddress, CancellationToken.None);
        return new LayerRollbackResult(layer, result.Version, toVersion, result.Objects);
    }

    /// <summary>The ids of versions of a layer by number, and the number serving now; refused when the layer or a version is not there.</summary>
    private async Task<(Dictionary<int, int> Ids, int? Current, int? CurrentId)> VersionsAsync(string layer, int[] numbers, CancellationToken cancellationToken)
    {
        if (!LayerNames.IsValid(layer)) throw new TwinException(ErrorCodes.BadLayerName, $"'{layer}' is not a layer name: {LayerNames.Rule}.");
        await using var command = dataSource.CreateCommand(SqlResources.Get("Layers/versions.sql"));
        command.Parameters.AddWithValue(layer);
        command.Parameters.AddWithValue(numbers);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new TwinException(ErrorCodes.UnknownLayer, $"There is no layer '{layer}'; layers lists them.");
        var found = reader.GetFieldValue<int[]>(2);
        var ids = reader.GetFieldValue<int[]>(3);
        var byNumber = found.Zip(ids).ToDictionary(p => p.First, p => p.Second);
        foreach (var number in numbers.Where(n => !byNumber.ContainsKey(n)))
            throw new TwinException(ErrorCodes.UnknownVersion, $"The layer {layer} has no version {number}; its versions are listed under layers {{ versions }}.");
        return (byNumber, reader.IsDBNull(1) ? null : reader.GetInt32(1), reader.IsDBNull(0) ? null : reader.GetInt32(0));
    }

    private static List<FieldChange> Fields(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(f => new FieldChange(
            f.GetProperty("field").GetString()!, f.GetProperty("attribute").GetBoolean(),
            f.TryGetProperty("before", out var before) ? before.GetRawText() : "null",
            f.TryGetProperty("after", out var after) ? after.GetRawText() : "null"))];
    }

    private static string CursorOf(string sourceId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(sourceId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Cursor(string cursor)
    {
        try
        {
            var text = cursor.Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            throw new TwinException(ErrorCodes.BadCursor, $"'{cursor}' is not a cursor of this list: pass endCursor as it came.");
        }
    }
}

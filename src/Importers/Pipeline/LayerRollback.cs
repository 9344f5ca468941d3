using DigitalTwin.Data.Database;
using Npgsql;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// Rolls a layer back to an earlier version by making a new version that is a copy of it (inside the database, through
/// <see cref="LayerWriter"/>), switched in like any import. Nothing is rewritten in place: the versions in between keep
/// their serving ranges, so a question about a past date answers as it did; the copy has a version id of its own, so
/// no tile of the version it replaces is served again; and the roll back itself is a version in the history (mode
/// rollback, based on the version it copies), with who did it and when.
/// </summary>
internal static class LayerRollback
{
    /// <summary>What a roll back made: the new version's number, the one it copies, and its objects.</summary>
    public sealed record Result(int Version, int RestoredVersion, long Objects);

    /// <summary>
    /// Makes a copy of version <paramref name="toVersion"/> of <paramref name="layer"/> the serving version, as long as
    /// version <paramref name="expectedServing"/> still serves (what the person saw; null: whatever serves).
    /// </summary>
    /// <exception cref="ImportException">No such layer or version, it serves already, or the layer changed since (<see cref="StaleLayerException"/>).</exception>
    public static async Task<Result> RollBackAsync(NpgsqlDataSource dataSource, string layer, int toVersion, int? expectedServing, string loadedBy,
        CancellationToken cancellationToken)
    {
        await using var find = dataSource.CreateCommand(
            """
            SELECT l.kind, l.current_version, c.version, v.id, v.source_file, v.source_format, v.source_crs, v.checksum, v.source_filter,
                   v.skipped_count, v.repaired_count
            FROM layers l
            LEFT JOIN layer_versions c ON c.id = l.current_version
            LEFT JOIN layer_versions v ON v.layer = l.name AND v.version = $2
            WHERE l.name = $1
            """);
        find.Parameters.AddWithValue(layer);
        find.Parameters.AddWithValue(toVersion);
        LayerKind kind;
        int currentId, currentNumber, targetId, skipped, repaired;
        LayerWriter.SourceInfo source;
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken)) throw new ImportException($"There is no layer {layer}.");
            if (reader.IsDBNull(3)) throw new ImportException($"The layer {layer} has no version {toVersion}.");
            if (reader.IsDBNull(1)) throw new ImportException($"The layer {layer} has no serving version to roll back from.");
            kind = Enum.Parse<LayerKind>(reader.GetString(0), ignoreCase: true);
            (currentId, currentNumber, targetId) = (reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
            source = new LayerWriter.SourceInfo(reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), loadedBy,
                ImportMode.Rollback, reader.GetStringOrNull(8))
            {
                ExpectedCurrent = currentId,
            };
            (skipped, repaired) = (reader.GetInt32(9), reader.GetInt32(10));
        }
        if (expectedServing is { } expected && expected != currentNumber)
        {
            throw new StaleLayerException($"{layer} changed since it was looked at: version {currentNumber} serves now, not {expected}. Nothing was changed; look at the versions again.");
        }
        if (targetId == currentId) throw new ImportException($"Version {toVersion} of {layer} serves already; there is nothing to roll back.");

        await using var writer = await LayerWriter.BeginCopyAsync(dataSource, layer, kind, source, targetId, cancellationToken);
        // The copy is of a version that passed every check when it was loaded; the checks of references to other
        // layers (a contract's listed objects) ran then too, and a roll back restores the layer as it was.
        await writer.FinishLoadAsync(kind, buildIndexes: true, cancellationToken);
        await writer.CommitAsync(writer.Kept, skipped, repaired, cancellationToken);
        return new Result(writer.Version, toVersion, writer.Kept);
    }
}

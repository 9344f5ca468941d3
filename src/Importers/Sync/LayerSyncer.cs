using System.Text.Json.Nodes;
using DigitalTwin.Data.Database;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Importers.Sources.Gdal;
using Npgsql;

namespace DigitalTwin.Importers.Sync;

/// <summary>
/// Keeps layers in step with their services: each run imports the layer from its service with the same checks and
/// atomic replace as any import, makes no version when nothing changed, and records what it did in layer_sync_runs.
/// A run that is rejected or fails leaves the version serving that served before.
/// </summary>
internal sealed class LayerSyncer(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>Adds a sync, or changes the one of the layer.</summary>
    /// <exception cref="SourceFormatException">The URL is not an http or https service.</exception>
    public async Task<LayerSync> SaveAsync(LayerSync sync, string by, CancellationToken cancellationToken)
    {
        var url = ServiceUrl.Parse(sync.Url).DataSource;
        if (sync.MappingJson is { } json) LayerMapping.Parse(JsonNode.Parse(json)?.AsObject() ?? throw new MappingException("the mapping is not a JSON object"), "the mapping");
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO layer_syncs (layer, kind, url, source_layer, mapping, crs, every, created_by)
            VALUES ($1, $2, $3, $4, $5::json, $6, $7, $8)
            ON CONFLICT (layer) DO UPDATE SET kind = excluded.kind, url = excluded.url, source_layer = excluded.source_layer,
                mapping = excluded.mapping, crs = excluded.crs, every = excluded.every
            """);
        foreach (var value in new object?[] { sync.Layer, ImportOptions.KindName(sync.Kind), url, sync.SourceLayer, sync.MappingJson, sync.Crs, sync.Every, by })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
        return sync with { Url = url };
    }

    /// <summary>Removes a sync and its runs (the layer stays as it is).</summary>
    public async Task<bool> RemoveAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM layer_syncs WHERE layer = $1");
        command.Parameters.AddWithValue(layer);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Every configured sync, by layer, with when it last ran (null: never).</summary>
    public async Task<IReadOnlyList<(LayerSync Sync, DateTimeOffset? LastRun)>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT s.layer, s.kind, s.url, s.source_layer, s.mapping::text, s.crs, s.every,
                   (SELECT max(started_at) FROM layer_sync_runs r WHERE r.layer = s.layer)
            FROM layer_syncs s ORDER BY s.layer
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var syncs = new List<(LayerSync, DateTimeOffset?)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            syncs.Add((new LayerSync(reader.GetString(0), Enum.Parse<LayerKind>(reader.GetString(1), ignoreCase: true), reader.GetString(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetStringOrNull(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<TimeSpan>(6)),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return syncs;
    }

    /// <summary>The syncs due at this moment: never run, run at every round, or their interval past since their last run.</summary>
    public async Task<IReadOnlyList<LayerSync>> DueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return [.. (await ListAsync(cancellationToken)).Where(s => s.LastRun is null || s.Sync.Every is null || s.LastRun + s.Sync.Every <= now).Select(s => s.Sync)];
    }

    /// <summary>The last runs, newest first, of every sync or of one layer.</summary>
    public async Task<IReadOnlyList<SyncRun>> RunsAsync(string? layer, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT layer, started_at, finished_at, result, version, features_read, loaded, errors, error
            FROM layer_sync_runs WHERE $1::text IS NULL OR layer = $1 ORDER BY started_at DESC, id DESC LIMIT $2
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)layer ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<SyncRun>();
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(new SyncRun(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt64(5), reader.IsDBNull(6) ? null : reader.GetInt64(6),
                reader.IsDBNull(7) ? null : reader.GetInt32(7), reader.GetStringOrNull(8)));
        }
        return runs;
    }

    /// <summary>Runs one sync now and records the run, whatever came of it.</summary>
    public async Task<SyncRun> RunAsync(LayerSync sync, string loadedBy, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        SyncRun run;
        try
        {
            var mapping = sync.MappingJson is { } json ? LayerMapping.Parse(JsonNode.Parse(json)!.AsObject(), "the sync's mapping") : LayerMapping.Conventional;
            var result = await new LayerImporter(dataSource).ImportAsync(new ImportOptions(sync.Url, sync.Layer, sync.Kind)
            {
                SourceLayer = sync.SourceLayer,
                Crs = sync.Crs,
                Mapping = mapping,
                LoadedBy = loadedBy,
                SkipIfUnchanged = true,
                SettingsFingerprint = sync.Fingerprint,
            }, null, cancellationToken);
            var report = result.Report;
            var outcome = result.Unchanged ? "unchanged" : result.Committed ? "loaded" : "rejected";
            var version = result.Committed || result.Unchanged ? result.Version : await ServingVersionAsync(sync.Layer, cancellationToken);
            run = new SyncRun(sync.Layer, started, time.GetUtcNow(), outcome, version, report.FeaturesRead, result.Committed ? report.Loaded : 0, report.Errors,
                outcome == "rejected" ? string.Join("; ", report.FirstProblems.Where(p => p.Severity == Severity.Error).Take(5).Select(p => p.ToString())) : null);
        }
        catch (Exception e) when (e is ImportException or MappingException or SourceFormatException or IOException or NpgsqlException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            run = new SyncRun(sync.Layer, started, time.GetUtcNow(), "failed", await ServingVersionAsync(sync.Layer, cancellationToken), null, null, null,
                e is PostgresException p ? p.MessageText : e.Message);
        }
        await RecordAsync(run, cancellationToken);
        return run;
    }

    private async Task RecordAsync(SyncRun run, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO layer_sync_runs (layer, started_at, finished_at, result, version, features_read, loaded, errors, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """);
        foreach (var value in new object?[] { run.Layer, run.StartedAt, run.FinishedAt, run.Result, run.Version, run.FeaturesRead, run.Loaded, run.Errors, run.Error })
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<int?> ServingVersionAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = $1");
        command.Parameters.AddWithValue(layer);
        return await command.ExecuteScalarAsync(cancellationToken) as int?;
    }
}

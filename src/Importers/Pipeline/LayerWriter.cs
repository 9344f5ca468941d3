using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// Writes one new version of a layer, atomically. Everything happens in one transaction: the version row, a fresh
/// partition filled by binary COPY, its indexes (built after the load, as ogr2ogr does), the checks that need the
/// whole layer (duplicate ids, subcontracts whose contract does not exist), and the switch that makes it current.
/// Until <see cref="CommitAsync"/> nobody sees anything of it; a failure, a rejected import or a killed process
/// leaves the previous version serving, untouched, and the previous version is kept for past dates.
/// </summary>
internal sealed class LayerWriter : IAsyncDisposable
{
    private readonly NpgsqlConnection connection;
    private readonly NpgsqlTransaction transaction;
    private NpgsqlBinaryImporter? copy;

    private LayerWriter(NpgsqlConnection connection, NpgsqlTransaction transaction, string layer, int versionId, int version, int? previousVersionId)
    {
        this.connection = connection;
        this.transaction = transaction;
        Layer = layer;
        VersionId = versionId;
        Version = version;
        PreviousVersionId = previousVersionId;
    }

    public string Layer { get; }
    public int VersionId { get; }
    public int Version { get; }
    public int? PreviousVersionId { get; }
    private string Partition => $"map_objects_v{VersionId}";

    public sealed record SourceInfo(string File, string Format, string Crs, string Checksum, string LoadedBy);

    /// <summary>Starts the new version: locks the layer against a concurrent import and opens the COPY.</summary>
    public static async Task<LayerWriter> BeginAsync(NpgsqlDataSource dataSource, string layer, LayerKind kind, SourceInfo source, CancellationToken cancellationToken)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var kindName = ImportOptions.KindName(kind);
            await Execute(connection, transaction, "INSERT INTO layers (name, kind) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", cancellationToken, layer, kindName);

            string existingKind;
            int? previous;
            await using (var select = new NpgsqlCommand("SELECT kind, current_version FROM layers WHERE name = $1 FOR UPDATE", connection, transaction))
            {
                select.Parameters.AddWithValue(layer);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                existingKind = reader.GetString(0);
                previous = reader.IsDBNull(1) ? null : reader.GetInt32(1);
            }
            if (existingKind != kindName)
            {
                throw new ImportException($"The layer {layer} holds {existingKind} objects; it cannot be replaced with a {kindName} layer. Choose another layer name.");
            }

            int versionId, version;
            await using (var insert = new NpgsqlCommand(
                """
                INSERT INTO layer_versions (layer, version, source_file, source_format, source_crs, checksum, feature_count, loaded_by, served)
                SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, 0, $6, tstzrange(now(), NULL)
                FROM layer_versions WHERE layer = $1
                RETURNING id, version
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue(layer);
                insert.Parameters.AddWithValue(source.File);
                insert.Parameters.AddWithValue(source.Format);
                insert.Parameters.AddWithValue(source.Crs);
                insert.Parameters.AddWithValue(source.Checksum);
                insert.Parameters.AddWithValue(source.LoadedBy);
                await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                versionId = reader.GetInt32(0);
                version = reader.GetInt32(1);
            }

            var writer = new LayerWriter(connection, transaction, layer, versionId, version, previous);
            // Identifiers below are built from integers only; nothing from the file reaches the SQL text.
            await Execute(connection, transaction,
                $"CREATE TABLE {writer.Partition} (LIKE map_objects INCLUDING DEFAULTS); " +
                $"ALTER TABLE {writer.Partition} ADD CONSTRAINT {writer.Partition}_version CHECK (version_id = {versionId})",
                cancellationToken);
            writer.copy = await connection.BeginBinaryImportAsync(
                $"COPY {writer.Partition} (version_id, layer, source_id, feature_no, kind, type, name, address, owner, manager, contractor, " +
                "commissioner, subcontractor, contract_ref, covers, task_types, valid, attributes, geom, geom_3857) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            writer.kindName = kindName;
            return writer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private string kindName = "";
    private bool completed;

    public async Task WriteAsync(MappedObject o, CancellationToken cancellationToken)
    {
        var c = copy!;
        await c.StartRowAsync(cancellationToken);
        await c.WriteAsync(VersionId, NpgsqlDbType.Integer, cancellationToken);
        await c.WriteAsync(Layer, NpgsqlDbType.Text, cancellationToken);
        await c.WriteAsync(o.SourceId, NpgsqlDbType.Text, cancellationToken);
        await c.WriteAsync(o.FeatureNo, NpgsqlDbType.Bigint, cancellationToken);
        await c.WriteAsync(kindName, NpgsqlDbType.Text, cancellationToken);
        await WriteText(c, o.Type, cancellationToken);
        await WriteText(c, o.Name, cancellationToken);
        await WriteText(c, o.Address, cancellationToken);
        await WriteText(c, o.Owner, cancellationToken);
        await WriteText(c, o.Manager, cancellationToken);
        await WriteText(c, o.Contractor, cancellationToken);
        await WriteText(c, o.Commissioner, cancellationToken);
        await WriteText(c, o.Subcontractor, cancellationToken);
        await WriteText(c, o.ContractRef, cancellationToken);
        await WriteTextArray(c, o.Covers, cancellationToken);
        await WriteTextArray(c, o.TaskTypes, cancellationToken);
        // Validity dates are inclusive days: [from, to].
        var range = new NpgsqlRange<DateOnly>(
            o.ValidFrom ?? default, true, o.ValidFrom is null,
            o.ValidTo ?? default, o.ValidTo is not null, o.ValidTo is null);
        await c.WriteAsync(range, NpgsqlDbType.DateRange, cancellationToken);
        await c.WriteAsync(o.AttributesJson, NpgsqlDbType.Jsonb, cancellationToken);
        if (o.Geometry is null) await c.WriteNullAsync(cancellationToken); else await c.WriteAsync(o.Geometry, NpgsqlDbType.Geometry, cancellationToken);
        if (o.Geometry3857 is null) await c.WriteNullAsync(cancellationToken); else await c.WriteAsync(o.Geometry3857, NpgsqlDbType.Geometry, cancellationToken);
    }

    /// <summary>Ends the COPY, builds the indexes, and runs the checks that need the whole layer. Returns their problems.</summary>
    public async Task<IReadOnlyList<ImportProblem>> FinishLoadAsync(LayerKind kind, CancellationToken cancellationToken)
    {
        await copy!.CompleteAsync(cancellationToken);
        await copy.DisposeAsync();
        copy = null;

        var problems = new List<ImportProblem>();
        await Execute(connection, transaction, "SET LOCAL maintenance_work_mem = '256MB'", cancellationToken);
        // The primary key finds duplicate ids for free; only when it refuses do we look for them, to report feature numbers.
        await Execute(connection, transaction, "SAVEPOINT primary_key", cancellationToken);
        try
        {
            await Execute(connection, transaction, $"ALTER TABLE {Partition} ADD PRIMARY KEY (version_id, source_id)", cancellationToken);
            await Execute(connection, transaction, "RELEASE SAVEPOINT primary_key", cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await Execute(connection, transaction, "ROLLBACK TO SAVEPOINT primary_key", cancellationToken);
            await using var duplicates = new NpgsqlCommand(
                $"""
                SELECT d.source_id, d.feature_no, first_value(d.feature_no) OVER (PARTITION BY d.source_id ORDER BY d.feature_no)
                FROM {Partition} d
                JOIN (SELECT source_id FROM {Partition} GROUP BY source_id HAVING count(*) > 1) dup USING (source_id)
                ORDER BY d.feature_no
                LIMIT 10000
                """, connection, transaction);
            await using var reader = await duplicates.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var first = reader.GetInt64(2);
                var number = reader.GetInt64(1);
                if (number != first)
                {
                    problems.Add(new ImportProblem(number, reader.GetString(0), Severity.Error, $"duplicate id: feature {first} has the same id"));
                }
            }
        }

        if (kind == LayerKind.Subcontract)
        {
            await using var orphans = new NpgsqlCommand(
                $"""
                SELECT s.feature_no, s.source_id, s.contract_ref
                FROM {Partition} s
                WHERE NOT EXISTS (SELECT 1 FROM current_map_objects c WHERE c.kind = 'contract' AND c.id = s.contract_ref)
                ORDER BY s.feature_no
                """, connection, transaction);
            await using var reader = await orphans.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(new ImportProblem(reader.GetInt64(0), reader.GetString(1), Severity.Error,
                    $"unknown contract: {reader.GetString(2)} is not a contract of a loaded contract layer"));
            }
        }

        if (kind == LayerKind.Contract)
        {
            await using var missing = new NpgsqlCommand(
                $"""
                SELECT c.feature_no, c.source_id, ref
                FROM {Partition} c, unnest(c.covers) AS ref
                WHERE NOT EXISTS (SELECT 1 FROM current_map_objects o WHERE o.id = ref)
                ORDER BY c.feature_no
                LIMIT 1000
                """, connection, transaction);
            await using var reader = await missing.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(new ImportProblem(reader.GetInt64(0), reader.GetString(1), Severity.Warning,
                    $"object not loaded: {reader.GetString(2)} in objects is not (yet) an object of a loaded layer"));
            }
        }
        return problems;
    }

    /// <summary>Indexes the partition, attaches it, and makes it the serving version, then commits.</summary>
    public async Task CommitAsync(long featureCount, int skipped, int repaired, CancellationToken cancellationToken)
    {
        await Execute(connection, transaction,
            $"""
            CREATE INDEX {Partition}_geom ON {Partition} USING gist (geom);
            CREATE INDEX {Partition}_geom_3857 ON {Partition} USING gist (geom_3857);
            ANALYZE {Partition};
            ALTER TABLE map_objects ATTACH PARTITION {Partition} FOR VALUES IN ({VersionId});
            """, cancellationToken);
        // The old version stops serving at the very instant the new one starts: no gap, no overlap.
        DateTime switchedAt;
        await using (var now = new NpgsqlCommand("SELECT clock_timestamp()", connection, transaction))
        {
            switchedAt = (DateTime)(await now.ExecuteScalarAsync(cancellationToken))!;
        }
        if (PreviousVersionId is { } previous)
        {
            await Execute(connection, transaction,
                "UPDATE layer_versions SET served = tstzrange(lower(served), $2) WHERE id = $1", cancellationToken, previous, switchedAt);
        }
        await Execute(connection, transaction,
            "UPDATE layer_versions SET served = tstzrange($5, NULL), feature_count = $2, skipped_count = $3, repaired_count = $4 WHERE id = $1",
            cancellationToken, VersionId, (int)featureCount, skipped, repaired, switchedAt);
        await Execute(connection, transaction, "UPDATE layers SET current_version = $1 WHERE name = $2", cancellationToken, VersionId, Layer);
        await transaction.CommitAsync(cancellationToken);
        completed = true;
    }

    public async Task RollbackAsync()
    {
        if (copy is not null)
        {
            try { await copy.DisposeAsync(); } catch (NpgsqlException) { /* the COPY is cancelled; the rollback below is what matters */ }
            copy = null;
        }
        if (!completed)
        {
            completed = true;
            await transaction.RollbackAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RollbackAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken; closing it rolls back on the server.
        }
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private static async Task WriteText(NpgsqlBinaryImporter c, string? value, CancellationToken cancellationToken)
    {
        if (value is null) await c.WriteNullAsync(cancellationToken);
        else await c.WriteAsync(value.Replace("\0", "", StringComparison.Ordinal), NpgsqlDbType.Text, cancellationToken);
    }

    private static async Task WriteTextArray(NpgsqlBinaryImporter c, string[]? value, CancellationToken cancellationToken)
    {
        if (value is null) await c.WriteNullAsync(cancellationToken);
        else await c.WriteAsync(value, NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
    }

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var p in parameters) command.Parameters.AddWithValue(p ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

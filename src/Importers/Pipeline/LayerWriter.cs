using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// Writes one new version of a layer so that nobody sees it until it is complete and checked, and a failure at any
/// point leaves the serving version untouched:
/// <list type="number">
/// <item>a fresh table <c>map_objects_vN</c> (N is the future layer_versions id) is created outside any partition, so
/// no query can see it, and filled by binary COPY; the importing session holds an advisory lock on N meanwhile;</item>
/// <item>its primary key and GiST index are built after the load, as ogr2ogr does, in parallel on separate
/// connections; the primary key is also the duplicate-id check;</item>
/// <item>one short transaction inserts the version row, attaches the table as a partition of map_objects and makes it
/// current, closing the previous version's serving range at the same instant.</item>
/// </list>
/// A failed, rejected or cancelled import drops its table; a killed one leaves it, unattached and invisible, and the
/// next import drops it (its advisory lock is free once the session is gone).
/// </summary>
internal sealed class LayerWriter : IAsyncDisposable
{
    /// <summary>First key of the advisory lock an import holds on its staging table; the second is the version id.</summary>
    private const int StagingLockKey = 0x74776e; // "twn"

    private readonly NpgsqlDataSource dataSource;
    private readonly NpgsqlConnection connection;
    private readonly string kindName;
    private SourceInfo source;
    /// <summary>The binary form of the range (,): only its flags, both bounds infinite (RANGE_LB_INF | RANGE_UB_INF).</summary>
    private static readonly byte[] UnboundedRange = [0x08 | 0x10];

    private NpgsqlBinaryImporter? copy;
    private readonly EwkbWriter ewkb = new();
    private bool committed;

    private LayerWriter(NpgsqlDataSource dataSource, NpgsqlConnection connection, string layer, string kindName, SourceInfo source, int versionId)
    {
        this.dataSource = dataSource;
        this.connection = connection;
        this.kindName = kindName;
        this.source = source;
        Layer = layer;
        VersionId = versionId;
    }

    public string Layer { get; }

    /// <summary>The id the new version will have in layer_versions.</summary>
    public int VersionId { get; }

    /// <summary>The version number (1, 2, ...) once committed.</summary>
    public int Version { get; private set; }

    // Identifiers are built from integers only; nothing from the file reaches the SQL text.
    private string Table => $"map_objects_v{VersionId}";

    /// <summary>
    /// Where a version comes from and how it was made, as its layer_versions row records it; <c>Filter</c> is the
    /// --where and --select it was read with, as given (null for the whole file).
    /// </summary>
    public sealed record SourceInfo(string File, string Format, string Crs, string Checksum, string LoadedBy, ImportMode Mode = ImportMode.Replace, string? Filter = null)
    {
        /// <summary>
        /// The version (its layer_versions id; 0 for none) that must still serve when the new one switches in: what the
        /// person saw when they checked the file or chose the version to roll back to. Null: whatever serves then.
        /// </summary>
        public int? ExpectedCurrent { get; init; }
    }

    /// <summary>
    /// An append or update: the version (its layer_versions id) serving when the import began, which the new one builds
    /// on; null for a layer not loaded yet. A roll back: the earlier version it copies.
    /// </summary>
    public int? BasedOn { get; private init; }

    /// <summary>The version number of <see cref="BasedOn"/>, for the report.</summary>
    public int? BasedOnVersion { get; private init; }

    /// <summary>An append, update or roll back: objects of <see cref="BasedOn"/> carried into the new version unchanged.</summary>
    public long Kept { get; private set; }

    /// <summary>An update: features of the file whose id <see cref="BasedOn"/> has, which they replace.</summary>
    public long Replaced { get; private set; }

    // Every column but the version: what an append carries from the serving version to the new one.
    private const string CarriedColumns = "layer, source_id, feature_no, kind, type, name, address, owner, manager, contractor, " +
        "commissioner, subcontractor, contract_ref, covers, task_types, valid, attributes, geom, response_times";

    /// <summary>Sets the checksum the version records, for a source whose checksum is known only once it is read.</summary>
    public void SetChecksum(string checksum) => source = source with { Checksum = checksum };

    /// <summary>Creates the staging table and opens the COPY.</summary>
    public static Task<LayerWriter> BeginAsync(NpgsqlDataSource dataSource, string layer, LayerKind kind, SourceInfo source, CancellationToken cancellationToken) =>
        BeginCoreAsync(dataSource, layer, kind, source, null, cancellationToken);

    /// <summary>
    /// A roll back: a new version that is a copy of an earlier one (<paramref name="restoreFrom"/>, its layer_versions
    /// id), made when the load finishes; nothing is written through the COPY.
    /// </summary>
    public static Task<LayerWriter> BeginCopyAsync(NpgsqlDataSource dataSource, string layer, LayerKind kind, SourceInfo source, int restoreFrom, CancellationToken cancellationToken) =>
        BeginCoreAsync(dataSource, layer, kind, source with { Mode = ImportMode.Rollback }, restoreFrom, cancellationToken);

    private static async Task<LayerWriter> BeginCoreAsync(NpgsqlDataSource dataSource, string layer, LayerKind kind, SourceInfo source, int? restoreFrom, CancellationToken cancellationToken)
    {
        var kindName = ImportOptions.KindName(kind);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            int? basedOn = null, basedOnVersion = null;
            await using (var existing = new NpgsqlCommand(
                "SELECT l.kind, l.current_version, v.version FROM layers l LEFT JOIN layer_versions v ON v.id = l.current_version WHERE l.name = $1", connection))
            {
                existing.Parameters.AddWithValue(layer);
                await using var reader = await existing.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                {
                    var existingKind = reader.GetString(0);
                    if (existingKind != kindName)
                    {
                        throw new ImportException($"The layer {layer} holds {existingKind} objects; it cannot be {(source.Mode == ImportMode.Replace ? "replaced with" : "added to from")} a {kindName} layer. Choose another layer name.");
                    }
                    if (source.Mode is ImportMode.Append or ImportMode.Update && !reader.IsDBNull(1)) (basedOn, basedOnVersion) = (reader.GetInt32(1), reader.GetInt32(2));
                }
            }
            if (restoreFrom is { } earlier)
            {
                await using var find = new NpgsqlCommand("SELECT version FROM layer_versions WHERE id = $1 AND layer = $2", connection);
                find.Parameters.AddWithValue(earlier);
                find.Parameters.AddWithValue(layer);
                basedOnVersion = await find.ExecuteScalarAsync(cancellationToken) as int? ?? throw new ImportException($"The layer {layer} has no version with id {earlier}.");
                basedOn = earlier;
            }
            await DropAbandonedAsync(connection, cancellationToken);

            int versionId;
            await using (var next = new NpgsqlCommand("SELECT nextval(pg_get_serial_sequence('layer_versions', 'id'))::int", connection))
            {
                versionId = (int)(await next.ExecuteScalarAsync(cancellationToken))!;
            }
            var writer = new LayerWriter(dataSource, connection, layer, kindName, source, versionId) { BasedOn = basedOn, BasedOnVersion = basedOnVersion };
            await Execute(connection, $"SELECT pg_advisory_lock({StagingLockKey}, {versionId})", cancellationToken);
            await Execute(connection,
                $"CREATE TABLE {writer.Table} (LIKE map_objects INCLUDING DEFAULTS, CONSTRAINT {writer.Table}_version CHECK (version_id = {versionId}))",
                cancellationToken);
            writer.copy = await connection.BeginBinaryImportAsync(
                $"COPY {writer.Table} (version_id, layer, source_id, feature_no, kind, type, name, address, owner, manager, contractor, " +
                "commissioner, subcontractor, contract_ref, covers, task_types, valid, attributes, geom, response_times) FROM STDIN (FORMAT BINARY)",
                cancellationToken);
            return writer;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Drops the staging tables of imports that died: no version row, and nobody holds their lock.</summary>
    private static async Task DropAbandonedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var candidates = new List<int>();
        await using (var find = new NpgsqlCommand(
            """
            SELECT substring(c.relname FROM 14)::int
            FROM pg_class c
            WHERE c.relkind = 'r' AND NOT c.relispartition AND c.relname ~ '^map_objects_v[0-9]+$'
              AND NOT EXISTS (SELECT 1 FROM layer_versions v WHERE v.id = substring(c.relname FROM 14)::int)
            """, connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) candidates.Add(reader.GetInt32(0));
        }
        foreach (var id in candidates)
        {
            await using var tryLock = new NpgsqlCommand($"SELECT pg_try_advisory_lock({StagingLockKey}, {id})", connection);
            if (await tryLock.ExecuteScalarAsync(cancellationToken) is not true) continue; // still being loaded
            // Holding the lock means its import has ended; it may have committed since the list was made, so look again.
            await Execute(connection,
                $"""
                DO $$ BEGIN
                    IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'map_objects_v{id}' AND relkind = 'r' AND NOT relispartition)
                       AND NOT EXISTS (SELECT 1 FROM layer_versions WHERE id = {id}) THEN
                        DROP TABLE map_objects_v{id};
                    END IF;
                END $$
                """, cancellationToken);
            await Execute(connection, $"SELECT pg_advisory_unlock({StagingLockKey}, {id})", cancellationToken);
        }
    }

    /// <summary>
    /// Writes one row of the COPY. Synchronous on purpose: it runs on the import's own writer thread, and the
    /// per-field async machinery costs more than the rare blocking flush of Npgsql's buffer.
    /// </summary>
    public void Write(MappedObject o)
    {
        var c = copy!;
        c.StartRow();
        c.Write(VersionId, NpgsqlDbType.Integer);
        c.Write(Layer, NpgsqlDbType.Text);
        WriteText(c, o.SourceId);
        c.Write(o.FeatureNo, NpgsqlDbType.Bigint);
        c.Write(kindName, NpgsqlDbType.Text);
        WriteText(c, o.Type);
        WriteText(c, o.Name);
        WriteText(c, o.Address);
        WriteText(c, o.Owner);
        WriteText(c, o.Manager);
        WriteText(c, o.Contractor);
        WriteText(c, o.Commissioner);
        WriteText(c, o.Subcontractor);
        WriteText(c, o.ContractRef);
        WriteTextArray(c, o.Covers);
        WriteTextArray(c, o.TaskTypes);
        // Validity dates are inclusive days: [from, to]. Most objects have none: the binary form of (,) is sent as it is.
        if (o.ValidFrom is null && o.ValidTo is null)
        {
            c.Write(UnboundedRange, NpgsqlDbType.Bytea);
        }
        else
        {
            var range = new NpgsqlRange<DateOnly>(
                o.ValidFrom ?? default, true, o.ValidFrom is null,
                o.ValidTo ?? default, o.ValidTo is not null, o.ValidTo is null);
            c.Write(range, NpgsqlDbType.DateRange);
        }
        // The binary forms of json and geometry are the JSON text and EWKB, made here as bytes and sent as they are.
        c.Write(o.AttributesJson, NpgsqlDbType.Bytea);
        if (o.Geometry is null) c.WriteNull(); else c.Write(ewkb.Write(o.Geometry, StorageCrs.Srid), NpgsqlDbType.Bytea);
        if (o.ResponseTimesJson is null) c.WriteNull(); else c.Write(o.ResponseTimesJson, NpgsqlDbType.Jsonb);
    }

    /// <summary>
    /// Ends the COPY and runs the checks that need the whole layer: duplicate ids (through the primary key),
    /// subcontracts whose contract is not loaded, contract objects not (yet) loaded. With <paramref name="buildIndexes"/>
    /// the GiST index is built at the same time, on its own connection. Returns the problems found.
    /// </summary>
    public async Task<IReadOnlyList<ImportProblem>> FinishLoadAsync(LayerKind kind, bool buildIndexes, CancellationToken cancellationToken)
    {
        await copy!.CompleteAsync(cancellationToken);
        await copy.DisposeAsync();
        copy = null;

        // The references are checked on the file's own features, before an append brings in the serving version's.
        var problems = new List<ImportProblem>();
        if (kind == LayerKind.Subcontract)
        {
            await using var orphans = new NpgsqlCommand(
                $"""
                SELECT s.feature_no, s.source_id, s.contract_ref
                FROM {Table} s
                WHERE NOT EXISTS (SELECT 1 FROM current_map_objects c WHERE c.kind = 'contract' AND c.id = s.contract_ref)
                ORDER BY s.feature_no
                """, connection);
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
                FROM {Table} c, unnest(c.covers) AS ref
                WHERE NOT EXISTS (SELECT 1 FROM current_map_objects o WHERE o.id = ref)
                ORDER BY c.feature_no
                LIMIT 1000
                """, connection);
            await using var reader = await missing.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(new ImportProblem(reader.GetInt64(0), reader.GetString(1), Severity.Warning,
                    $"object not loaded: {reader.GetString(2)} in objects is not (yet) an object of a loaded layer"));
            }
        }
        if (BasedOn is { } basedOn) problems.AddRange(await CarryOverAsync(basedOn, cancellationToken));

        var primaryKey = AddPrimaryKeyAsync(cancellationToken);
        // The partition's indexes must match the parent's, so that ATTACH takes them as they are instead of building
        // them inside the switch transaction. The partial ones are empty and cheap for layers without contracts.
        var index = buildIndexes
            ? OnOwnConnectionAsync(
                $"CREATE INDEX {Table}_geom ON {Table} USING gist (geom); " +
                $"CREATE INDEX {Table}_covers ON {Table} USING gin (covers) WHERE covers IS NOT NULL; " +
                $"CREATE INDEX {Table}_contract_ref ON {Table} (contract_ref) WHERE contract_ref IS NOT NULL", cancellationToken)
            : Task.CompletedTask;
        problems.AddRange(await primaryKey);
        await index;

        return problems;
    }

    /// <summary>
    /// An append or update: copies the serving version's objects that the file does not replace into the new version,
    /// inside the database. An append refuses an id the serving version has (naming the feature); an update replaces it.
    /// </summary>
    private async Task<List<ImportProblem>> CarryOverAsync(int basedOn, CancellationToken cancellationToken)
    {
        var problems = new List<ImportProblem>();
        await using (var same = new NpgsqlCommand(
            $"""
            SELECT s.feature_no, s.source_id
            FROM {Table} s JOIN map_objects p ON p.version_id = $1 AND p.source_id = s.source_id
            ORDER BY s.feature_no
            """, connection))
        {
            same.Parameters.AddWithValue(basedOn);
            await using var reader = await same.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Replaced++;
                if (source.Mode == ImportMode.Append && problems.Count < 10000)
                {
                    problems.Add(new ImportProblem(reader.GetInt64(0), reader.GetString(1), Severity.Error,
                        $"already in the layer: version {BasedOnVersion} of {Layer} has an object with this id (--update replaces it)"));
                }
            }
        }
        if (source.Mode == ImportMode.Append) Replaced = 0;
        await using var carry = new NpgsqlCommand(
            $"""
            INSERT INTO {Table} (version_id, {CarriedColumns})
            SELECT {VersionId}, {CarriedColumns}
            FROM map_objects p
            WHERE p.version_id = $1 AND NOT EXISTS (SELECT 1 FROM {Table} s WHERE s.source_id = p.source_id)
            """, connection);
        carry.Parameters.AddWithValue(basedOn);
        Kept = await carry.ExecuteNonQueryAsync(cancellationToken);
        return problems;
    }

    /// <summary>The primary key finds duplicate ids for free; only when it refuses do we look for them, to name the features.</summary>
    private async Task<List<ImportProblem>> AddPrimaryKeyAsync(CancellationToken cancellationToken)
    {
        var problems = new List<ImportProblem>();
        try
        {
            await Execute(connection, "SET maintenance_work_mem = '256MB'", cancellationToken);
            await Execute(connection, $"ALTER TABLE {Table} ADD PRIMARY KEY (version_id, source_id)", cancellationToken);
            return problems;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
        }
        await using var duplicates = new NpgsqlCommand(
            $"""
            SELECT d.source_id, d.feature_no, first_value(d.feature_no) OVER (PARTITION BY d.source_id ORDER BY d.feature_no)
            FROM {Table} d
            JOIN (SELECT source_id FROM {Table} GROUP BY source_id HAVING count(*) > 1) dup USING (source_id)
            ORDER BY d.feature_no
            LIMIT 10000
            """, connection);
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
        return problems;
    }

    private async Task OnOwnConnectionAsync(string sql, CancellationToken cancellationToken)
    {
        await using var own = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(own, "SET maintenance_work_mem = '256MB'", cancellationToken);
        await Execute(own, sql, cancellationToken);
    }

    /// <summary>Makes the new version the serving one, in one short transaction.</summary>
    public async Task CommitAsync(long featureCount, int skipped, int repaired, CancellationToken cancellationToken)
    {
        await Execute(connection, $"ANALYZE {Table}", cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await Execute(connection, "INSERT INTO layers (name, kind) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", cancellationToken, Layer, kindName);
        string existingKind;
        int? previous;
        await using (var select = new NpgsqlCommand("SELECT kind, current_version FROM layers WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue(Layer);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            existingKind = reader.GetString(0);
            previous = reader.IsDBNull(1) ? null : reader.GetInt32(1);
        }
        if (existingKind != kindName)
        {
            throw new ImportException($"The layer {Layer} holds {existingKind} objects; it cannot be replaced with a {kindName} layer. Choose another layer name.");
        }
        // An append or update is the version it began from plus the file: another import switched in since makes it stale.
        if (source.Mode is ImportMode.Append or ImportMode.Update && previous != BasedOn)
        {
            throw new ImportException(
                $"Another import of {Layer} made a new version while this {(source.Mode == ImportMode.Append ? "append" : "update")} ran; nothing was changed: run it again to build on the version serving now.");
        }
        // A file checked against one version, or a roll back chosen while one version served, is refused over another.
        if (source.ExpectedCurrent is { } expected && (previous ?? 0) != expected)
        {
            throw new StaleLayerException(
                $"{Layer} changed since it was {(source.Mode == ImportMode.Rollback ? "looked at" : "checked")}: another version was loaded meanwhile. Nothing was changed; look at the versions again.");
        }

        // The old version stops serving at the very instant the new one starts: no gap, no overlap.
        DateTime switchedAt;
        await using (var now = new NpgsqlCommand("SELECT clock_timestamp()", connection, transaction))
        {
            switchedAt = (DateTime)(await now.ExecuteScalarAsync(cancellationToken))!;
        }
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO layer_versions (id, layer, version, source_file, source_format, source_crs, checksum,
                                        feature_count, skipped_count, repaired_count, loaded_by, served,
                                        import_mode, based_on, source_filter)
            OVERRIDING SYSTEM VALUE
            SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10, tstzrange($11, NULL), $12, $13, $14
            FROM layer_versions WHERE layer = $2
            RETURNING version
            """, connection, transaction))
        {
            foreach (var value in new object?[] { VersionId, Layer, source.File, source.Format, source.Crs, source.Checksum, (int)featureCount, skipped, repaired, source.LoadedBy, switchedAt,
                                                   source.Mode.ToString().ToLowerInvariant(), BasedOn, source.Filter })
            {
                insert.Parameters.AddWithValue(value ?? DBNull.Value);
            }
            Version = (int)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        if (previous is { } previousId)
        {
            await Execute(connection, "UPDATE layer_versions SET served = tstzrange(lower(served), $2) WHERE id = $1", cancellationToken, previousId, switchedAt);
        }
        await Execute(connection, $"ALTER TABLE map_objects ATTACH PARTITION {Table} FOR VALUES IN ({VersionId})", cancellationToken);
        await Execute(connection, "UPDATE layers SET current_version = $1 WHERE name = $2", cancellationToken, VersionId, Layer);
        await transaction.CommitAsync(cancellationToken);
        committed = true;
    }

    /// <summary>Drops the staging table of an import that will not commit (rejected, dry run, failed).</summary>
    public async Task AbandonAsync()
    {
        if (copy is not null)
        {
            try { await copy.DisposeAsync(); } catch (NpgsqlException) { /* the COPY is cancelled; the drop below is what matters */ }
            copy = null;
        }
        if (committed) return;
        await Execute(connection, $"DROP TABLE IF EXISTS {Table}", CancellationToken.None);
        await Execute(connection, $"SELECT pg_advisory_unlock({StagingLockKey}, {VersionId})", CancellationToken.None);
        committed = true; // nothing left to undo
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AbandonAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken; the next import drops the table once this session's lock is gone.
        }
        await connection.DisposeAsync();
    }

    /// <summary>A text field of a binary COPY (NUL, which PostgreSQL text cannot hold, dropped), or NULL.</summary>
    internal static void WriteText(NpgsqlBinaryImporter c, string? value)
    {
        if (value is null) c.WriteNull();
        else c.Write(value.Replace("\0", "", StringComparison.Ordinal), NpgsqlDbType.Text);
    }

    private static void WriteTextArray(NpgsqlBinaryImporter c, string[]? value)
    {
        if (value is null) c.WriteNull();
        else c.Write(value, NpgsqlDbType.Array | NpgsqlDbType.Text);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        // Commands join the connection's open transaction, if any (Npgsql enlists them automatically).
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters) command.Parameters.AddWithValue(p ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

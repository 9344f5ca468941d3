using Npgsql;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>Removes a layer with every version it kept, in one transaction (./twin drop-layer, and the import bench between rounds).</summary>
internal static class LayerDropper
{
    /// <summary>Drops the layer; returns how many versions it had, or -1 when there is no such layer.</summary>
    public static async Task<int> DropAsync(NpgsqlDataSource dataSource, string layer, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Dropping a partition locks map_objects for a moment; do not queue every map read behind a long query.
        await using (var timeout = new NpgsqlCommand("SET LOCAL lock_timeout = '5s'", connection, transaction))
        {
            await timeout.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var lockLayer = new NpgsqlCommand("SELECT 1 FROM layers WHERE name = $1 FOR UPDATE", connection, transaction))
        {
            lockLayer.Parameters.AddWithValue(layer);
            if (await lockLayer.ExecuteScalarAsync(cancellationToken) is null) return -1;
        }
        var ids = new List<int>();
        await using (var select = new NpgsqlCommand("SELECT id FROM layer_versions WHERE layer = $1", connection, transaction))
        {
            select.Parameters.AddWithValue(layer);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) ids.Add(reader.GetInt32(0));
        }
        await using (var clear = new NpgsqlCommand("UPDATE layers SET current_version = NULL WHERE name = $1", connection, transaction))
        {
            clear.Parameters.AddWithValue(layer);
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var id in ids)
        {
            // Partition tables are named from integer ids only.
            await using var drop = new NpgsqlCommand($"DROP TABLE IF EXISTS map_objects_v{id}", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var delete = new NpgsqlCommand("DELETE FROM layers WHERE name = $1", connection, transaction))
        {
            delete.Parameters.AddWithValue(layer);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return ids.Count;
    }
}

using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// Reprojects with PostGIS's own ST_Transform (PROJ), a thousand geometries a round trip on a connection of its own,
/// for the CRSs where ProjNet does not agree with PostGIS (a datum shift PROJ does otherwise, RT90 say) or cannot read
/// the definition: what is stored is then exactly what PostGIS would make of the file.
/// </summary>
internal sealed class PostgisReprojector(NpgsqlDataSource dataSource, int sourceSrid, int targetSrid, string method) : IReprojector
{
    private NpgsqlConnection? connection;

    public int SourceSrid => sourceSrid;

    public int TargetSrid => targetSrid;

    public string Method => method;

    public int BatchSize => 1000;

    public async ValueTask<Geometry?[]> TransformAsync(IReadOnlyList<Geometry> geometries, CancellationToken cancellationToken)
    {
        connection ??= await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await TransformBatchAsync(geometries, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InternalError)
        {
            // PROJ refuses a point outside the projection's domain and fails the whole statement with it; one at a time
            // finds the geometries it refuses, which the importer reports by feature.
            var result = new Geometry?[geometries.Count];
            for (var i = 0; i < result.Length; i++)
            {
                try
                {
                    result[i] = (await TransformBatchAsync([geometries[i]], cancellationToken))[0];
                }
                catch (PostgresException one) when (one.SqlState == PostgresErrorCodes.InternalError)
                {
                    result[i] = null;
                }
            }
            return result;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (connection is not null) await connection.DisposeAsync();
    }

    private async Task<Geometry?[]> TransformBatchAsync(IReadOnlyList<Geometry> geometries, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT ST_Transform(ST_SetSRID(g, $2), $3) FROM unnest($1::geometry[]) WITH ORDINALITY AS batch(g, n) ORDER BY n", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = geometries as Geometry[] ?? [.. geometries], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Geometry });
        command.Parameters.AddWithValue(sourceSrid);
        command.Parameters.AddWithValue(targetSrid);
        var result = new Geometry?[geometries.Count];
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        for (var i = 0; await reader.ReadAsync(cancellationToken); i++) result[i] = reader.IsDBNull(0) ? null : reader.GetFieldValue<Geometry>(0);
        return result;
    }
}

using DigitalTwin.Server.Database;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Ogc;

/// <summary>A layer as an OGC API collection: its serving version and when its first version began to serve.</summary>
internal sealed record OgcCollection(string Name, string Kind, int VersionId, int Version, int FeatureCount, string SourceCrs, DateTimeOffset FirstServed);

/// <summary>The layer version that answers a request, and how many features it holds.</summary>
internal readonly record struct OgcVersion(int Id, int FeatureCount);

/// <summary>What OGC API Features reads from the database: collections.sql, version.sql and features.sql.</summary>
internal sealed class OgcStore(NpgsqlDataSource dataSource)
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>Every layer that serves, or the one named (empty when it does not serve).</summary>
    public async Task<IReadOnlyList<OgcCollection>> CollectionsAsync(string? layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Ogc/collections.sql"));
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)layer ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var collections = new List<OgcCollection>();
        while (await reader.ReadAsync(cancellationToken))
        {
            collections.Add(new OgcCollection(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return collections;
    }

    /// <summary>The version that answers at a moment (null: the serving one); null when the layer has none.</summary>
    public async Task<OgcVersion?> VersionAsync(string layer, DateTimeOffset? moment, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Ogc/version.sql"));
        command.Parameters.AddWithValue(layer);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = moment is { } m ? m.ToUniversalTime() : DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new OgcVersion(reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// features.sql's parameters for a version and a query: $1 to $20 in its order. <paramref name="id"/> asks for one
    /// feature; <paramref name="keyset"/> false leaves the page's cursors out (for the count).
    /// </summary>
    public static NpgsqlParameter[] FeatureParameters(int versionId, ItemsQuery query, string? id, bool keyset)
    {
        var box = query.Bbox;
        var equal = query.Equal;
        return
        [
            new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = versionId },
            new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.Crs.Srid },
            new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = query.Crs.NorthingFirst },
            new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.Crs.Decimals },
            Number(box?.West), Number(box?.South), Number(box?.East), Number(box?.North),
            new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = box is null ? DBNull.Value : box.Crs.Srid },
            Date(query.Datetime?.FirstDay), Date(query.Datetime?.LastDay),
            Text(keyset ? query.After : null), Text(keyset ? query.Before : null), Text(id),
            .. ItemsQuery.FilterProperties.Select(p => Text(equal.GetValueOrDefault(p))),
        ];
    }

    private static NpgsqlParameter Number(double? value) => new() { NpgsqlDbType = NpgsqlDbType.Double, Value = value is { } v ? v : DBNull.Value };

    private static NpgsqlParameter Date(DateOnly? value) => new() { NpgsqlDbType = NpgsqlDbType.Date, Value = value is { } v ? v : DBNull.Value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}

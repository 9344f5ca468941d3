using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Data.Access;

/// <summary>
/// Makes the keys of systems: the one place a key is written, for the server (tests, integrations), the command line
/// (./twin key add), the benches and the demo. A key is returned once and only its SHA-256 is kept.
/// </summary>
public static class ApiKeyWriter
{
    /// <summary>
    /// Makes a key. A contractor's key acts for one organisation, and only a contractor's does; the role must be one
    /// of <see cref="TwinRoles.All"/>. A missing organisation is the database's foreign key error (23503).
    /// </summary>
    /// <returns>The key's id, and the key itself: the only time it is seen.</returns>
    public static async Task<(int Id, string Key)> CreateAsync(NpgsqlDataSource dataSource, string name, string role, string? organisation,
        DateTimeOffset? expires, CancellationToken cancellationToken)
    {
        if (!TwinRoles.All.Contains(role)) throw new ArgumentException($"'{role}' is not a key's role; one of {string.Join(", ", TwinRoles.All)}.", nameof(role));
        if ((role == TwinRoles.Contractor) != (organisation is not null))
            throw new ArgumentException("A contractor's key acts for one organisation; other keys act for none.", nameof(organisation));
        var key = ApiKeyHash.NewKey();
        await using var command = dataSource.CreateCommand(
            "INSERT INTO api_keys (name, role, organisation, key_hash, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id");
        command.Parameters.AddWithValue(name);
        command.Parameters.AddWithValue(role);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)organisation ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(ApiKeyHash.Of(key));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)expires?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return ((int)(await command.ExecuteScalarAsync(cancellationToken))!, key);
    }
}

using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Data.Access;

/// <summary>
/// Writes the audit log (who read which case's personal data, who changed what, when and from where): the one place
/// an entry is written, for the server and the command line alike.
/// </summary>
public static class AuditWriter
{
    /// <summary>One entry: the actor (user:NAME, key:NAME, cli:USER), their role, the action, its subject, details (JSON) and address.</summary>
    public static async Task WriteAsync(NpgsqlDataSource dataSource, string actor, string? role, string action, string? subject, object? detail,
        string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_log (actor, role, action, subject, detail, remote_address) VALUES ($1, $2, $3, $4, $5::jsonb, $6)");
        command.Parameters.AddWithValue(actor);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)role ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(action);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)subject ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(JsonSerializer.Serialize(detail ?? new { }));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)remoteAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The same entry for several subjects in one statement (every case whose reporter one request read).</summary>
    public static async Task WriteManyAsync(NpgsqlDataSource dataSource, string actor, string? role, string action, IReadOnlyList<string> subjects, object? detail,
        string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO audit_log (actor, role, action, subject, detail, remote_address)
            SELECT $1, $2, $3, subject, $5::jsonb, $6 FROM unnest($4::text[]) AS subject
            """);
        command.Parameters.AddWithValue(actor);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)role ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.AddWithValue(action);
        command.Parameters.AddWithValue(subjects.ToArray());
        command.Parameters.AddWithValue(JsonSerializer.Serialize(detail ?? new { }));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)remoteAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

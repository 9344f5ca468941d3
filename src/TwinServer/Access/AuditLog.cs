using System.Security.Claims;
using System.Text.Json;
using Npgsql;

namespace DigitalTwin.Server.Access;

/// <summary>
/// The audit log (migration 0007): who read which case's personal data, who changed what, when and from where.
/// Written beside the change it records; readable by admins.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public async Task WriteAsync(ClaimsPrincipal who, string action, string? subject, object? detail, string? remoteAddress, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "INSERT INTO audit_log (actor, role, action, subject, detail, remote_address) VALUES ($1, $2, $3, $4, $5::jsonb, $6)");
        command.Parameters.AddWithValue(who.Identity?.Name ?? "anonymous");
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)who.FindFirstValue(ClaimTypes.Role) ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(action);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)subject ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(JsonSerializer.Serialize(detail ?? new { }));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)remoteAddress ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

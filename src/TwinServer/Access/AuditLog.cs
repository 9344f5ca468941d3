using System.Security.Claims;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using Npgsql;

namespace DigitalTwin.Server.Access;

/// <summary>
/// The audit log (migration 0007): who read which case's personal data, who changed what, when and from where.
/// Written beside the change it records; readable by admins.
/// </summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public Task WriteAsync(ClaimsPrincipal who, string action, string? subject, object? detail, string? remoteAddress, CancellationToken cancellationToken) =>
        AuditWriter.WriteAsync(dataSource, who.Identity?.Name ?? "anonymous", who.FindFirstValue(ClaimTypes.Role), action, subject, detail, remoteAddress,
            cancellationToken);
}

/// <summary>One line of the audit trail (the audit log, case changes and layer imports).</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, string Actor, string? Role, string Action, string? Subject, string Detail, string? RemoteAddress);

/// <summary>What the audit trail can be narrowed by.</summary>
public sealed record AuditFilter(DateTimeOffset? From, DateTimeOffset? To, string? Actor, string? Action, string? Subject, int Limit);

/// <summary>Reads the audit trail (migration 0008's view), newest first; for admins.</summary>
public sealed class AuditTrail(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(AuditFilter filter, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Access/audit_trail.sql"));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.From?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)filter.To?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        foreach (var text in new[] { filter.Actor, filter.Action, filter.Subject })
            command.Parameters.Add(new NpgsqlParameter { Value = (object?)text ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(filter.Limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditEntry(reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetStringOrNull(3),
                reader.GetString(4), reader.GetStringOrNull(5), reader.GetString(6), reader.GetStringOrNull(7)));
        }
        return entries;
    }

    /// <summary>Forgets audit log entries older than the retention (Access:AuditRetentionDays); case timelines stay with their cases.</summary>
    public async Task<int> ForgetOlderThanAsync(TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM audit_log WHERE at < now() - $1");
        command.Parameters.AddWithValue(retention);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Once a day, forgets audit log entries past their retention (Access:AuditRetentionDays, default 365).</summary>
public sealed class AuditRetention(AuditTrail trail, Microsoft.Extensions.Options.IOptions<AccessOptions> access, ILogger<AuditRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retention = TimeSpan.FromDays(access.Value.AuditRetentionDays);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var forgotten = await trail.ForgetOlderThanAsync(retention, stoppingToken);
                if (forgotten > 0) Log.AuditForgotten(logger, forgotten, retention.TotalDays);
                await Task.Delay(TimeSpan.FromDays(1), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Whatever went wrong (the database away, most likely), the retention stays: an exception out of a
                // hosted service would stop the server.
                Log.AuditRetentionFailed(logger, e);
                await Task.Delay(TimeSpan.FromHours(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}

using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace DigitalTwin.Server.Health;

internal static class HealthEndpoints
{
    public static IServiceCollection AddTwinHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    /// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: and the database answers too.</summary>
    public static void MapTwinHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJson });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = WriteJson });
    }

    private static Task WriteJson(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsJsonAsync(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), e.Value.Description }),
        });
    }
}

/// <summary>
/// Ready means a query on the database returns, and the schema is migrated. When the primary is away but look-ups are
/// served by a standby (<c>Database:LookupsFromStandby</c>), the node is Degraded, which still answers 200: a balancer
/// keeps sending it the look-ups it can answer (and its writes get the usual 503 with Retry-After) rather than taking
/// every node out at once while the standby is promoted. A database that answers slowly (no answer within the check's
/// second, while its pool is busy or a standby catches up) is Degraded too, not down: every node shares it, so a
/// balancer that took the nodes out for it would only answer "no server" to requests the database would have served
/// a moment later. Only a database that refuses or cannot be reached makes the node Unhealthy (503).
/// </summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, [FromKeyedServices(Database.DatabaseExtensions.GenericPlans)] NpgsqlDataSource lookups,
    Microsoft.Extensions.Options.IOptions<Database.DatabaseOptions> options) : IHealthCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var primary = await MigrationsAsync(dataSource, cancellationToken);
        if (primary.Count is { } migrations) return HealthCheckResult.Healthy($"{migrations} migrations applied");
        if (primary.Slow) return HealthCheckResult.Degraded($"the database is slow: no answer within {Patience.TotalSeconds:F0} s");
        if (options.Value.LookupsFromStandby && await MigrationsAsync(lookups, cancellationToken) is var standby && (standby.Count is not null || standby.Slow))
            return HealthCheckResult.Degraded($"writes unavailable ({primary.Error}); look-ups served by a standby");
        return HealthCheckResult.Unhealthy($"database unavailable: {primary.Error}");
    }

    private static async Task<(long? Count, string? Error, bool Slow)> MigrationsAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            timeout.CancelAfter(Patience);
            await using var command = source.CreateCommand("SELECT count(*) FROM schema_migrations");
            return ((long)(await command.ExecuteScalarAsync(timeout.Token))!, null, false);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Cancelled by the check's own patience, not by the caller: slow rather than away.
            return (null, e.GetType().Name, timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested);
        }
    }
}

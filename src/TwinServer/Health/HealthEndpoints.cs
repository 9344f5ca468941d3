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
/// every node out at once while the standby is promoted.
/// </summary>
internal sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, [FromKeyedServices(Database.DatabaseExtensions.GenericPlans)] NpgsqlDataSource lookups,
    Microsoft.Extensions.Options.IOptions<Database.DatabaseOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var primary = await MigrationsAsync(dataSource, cancellationToken);
        if (primary.Count is { } migrations) return HealthCheckResult.Healthy($"{migrations} migrations applied");
        if (options.Value.LookupsFromStandby && (await MigrationsAsync(lookups, cancellationToken)).Count is not null)
            return HealthCheckResult.Degraded($"writes unavailable ({primary.Error}); look-ups served by a standby");
        return HealthCheckResult.Unhealthy($"database unavailable: {primary.Error}");
    }

    private static async Task<(long? Count, string? Error)> MigrationsAsync(NpgsqlDataSource source, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await using var command = source.CreateCommand("SELECT count(*) FROM schema_migrations");
            return ((long)(await command.ExecuteScalarAsync(timeout.Token))!, null);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            return (null, e.GetType().Name);
        }
    }
}

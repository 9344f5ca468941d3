using System.Diagnostics;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.GraphQL;
using GraphQL;
using DigitalTwin.Server.Responsibility;
using DigitalTwin.Ui;
using Npgsql;

namespace DigitalTwin.Server.Database;

/// <summary>
/// Before a node listens, it opens a few connections in each pool, builds its GraphQL schema and answers one look-up of
/// its own (the map's centre, the default task, today): a node started again beside others under load otherwise takes
/// its first requests cold, opening connections and building and compiling the look-up's path while they wait, and the balancer's health checks and
/// those requests ran out of time together (docs/performance.md, Failover). Bounded, and never fatal: a database that
/// does not answer now is the health check's business, as before.
/// </summary>
internal static class WarmUp
{
    private const int ConnectionsPerPool = 4;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public static async Task WarmUpAsync(this WebApplication app)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(app.Lifetime.ApplicationStopping);
        timeout.CancelAfter(Bound);
        try
        {
            var pools = new[] { app.Services.GetRequiredService<NpgsqlDataSource>(), app.Services.GetRequiredKeyedService<NpgsqlDataSource>(DatabaseExtensions.GenericPlans) };
            // Opened together, so that each pool keeps that many (a connection opened and returned at once would be
            // the same one every time).
            await Task.WhenAll(pools.SelectMany(pool => Enumerable.Range(0, ConnectionsPerPool).Select(_ => OpenAsync(pool, timeout.Token))));
            // The schema is built on the first request, and the executer compiled: seconds on a loaded machine, which a
            // node's first look-ups waited for (every client of the failover bench on it at once, by round robin).
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await app.Services.GetRequiredService<IDocumentExecuter<TwinSchema>>().ExecuteAsync(new ExecutionOptions
                {
                    Query = "{ __typename }", RequestServices = scope.ServiceProvider, CancellationToken = timeout.Token,
                });
            }
            var map = app.Services.GetRequiredService<MapSettings>();
            if (map.Center is [var lon, var lat])
            {
                var resolver = app.Services.GetRequiredService<ResponsibilityResolver>();
                await resolver.ResolveAsync(new ResponsibilityQuery(lon, lat, 4326, null, map.DefaultTaskType, null, null), timeout.Token);
            }
            Log.WarmedUp(app.Logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TwinException or InvalidOperationException)
        {
            Log.WarmUpLeft(app.Logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name, e.Message);
        }
    }

    private static async Task OpenAsync(NpgsqlDataSource pool, CancellationToken cancellationToken)
    {
        await using var connection = await pool.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }
}

using System.Diagnostics;
using System.Security.Claims;
using System.Text.Json;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.GraphQL;
using DigitalTwin.Ui;
using Npgsql;

namespace DigitalTwin.Server.Database;

/// <summary>
/// Before a node listens, it opens a few connections in each pool, builds its GraphQL schema and answers one look-up of
/// its own through its GraphQL endpoint (the map's centre, the default task, today): a node started again beside others under load otherwise takes
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
            // The schema is built on the first request, and the executer compiled, and the look-up's path from the
            // request's JSON to the answer's: seconds on a loaded machine, which a node's first look-ups waited for
            // (every client of the failover bench on it at once, by round robin). So the node asks itself one, through
            // the GraphQL endpoint, as a city system would, and looks up a key that is none (the key's path).
            await app.Services.GetRequiredService<Cases.ApiKeys>().FindAsync("twin_warm-up-is-not-a-key", timeout.Token);
            var map = app.Services.GetRequiredService<MapSettings>();
            if (map.Center is [var lon, var lat])
            {
                await using var scope = app.Services.CreateAsyncScope();
                var status = await LookUpAsync(scope.ServiceProvider, lon, lat, map.DefaultTaskType, timeout.Token);
                if (status != StatusCodes.Status200OK)
                {
                    Log.WarmUpLeft(app.Logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, "HTTP", $"the look-up answered {status}");
                    return;
                }
            }
            Log.WarmedUp(app.Logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TwinException or InvalidOperationException)
        {
            Log.WarmUpLeft(app.Logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.GetType().Name, e.Message);
        }
    }

    /// <summary>A look-up through <see cref="GraphQLEndpoint"/>, by a caller with a city system's role, in a context of its own.</summary>
    private static async Task<int> LookUpAsync(IServiceProvider services, double lon, double lat, string? task, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            query = "query ($x: Float!, $y: Float!, $task: String!) { responsibility(at: {x: $x, y: $y}, taskType: $task) { recipient { key } explanation } }",
            variables = new { x = lon, y = lat, task },
        });
        var http = new DefaultHttpContext { RequestServices = services, RequestAborted = cancellationToken };
        http.Request.Method = HttpMethods.Post;
        http.Request.Path = "/graphql";
        http.Request.ContentType = "application/json";
        http.Request.Headers.Accept = "application/graphql-response+json";
        http.Request.Body = new MemoryStream(body);
        http.Request.ContentLength = body.Length;
        http.Response.Body = new MemoryStream();
        http.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "system:warm-up"), new Claim(ClaimTypes.Role, TwinRoles.Integration)],
            "WarmUp", ClaimTypes.Name, ClaimTypes.Role));
        await GraphQLEndpoint.HandleAsync(http);
        return http.Response.StatusCode;
    }

    private static async Task OpenAsync(NpgsqlDataSource pool, CancellationToken cancellationToken)
    {
        await using var connection = await pool.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }
}

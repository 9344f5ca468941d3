using Npgsql;

namespace DigitalTwin.Bench.Harness;

/// <summary>The callers of a bench run: GraphQL, tiles and Open311 answer only callers they know.</summary>
internal static class BenchKeys
{
    /// <summary>A key of its own for one bench run (a city system's, or a citizen app's).</summary>
    public static async Task<string> KeyAsync(NpgsqlDataSource dataSource, string name, string role, CancellationToken cancellationToken) =>
        (await ApiKeyWriter.CreateAsync(dataSource, $"{name} {DateTimeOffset.UtcNow:O}", role, null, null, cancellationToken)).Key;

    /// <summary>The bench's handler (bench.handler), with a new password for this run, to sign in to the map with.</summary>
    public static async Task<(string Username, string Password)> HandlerAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var password = ApiKeyHash.NewKey();
        await UserWriter.AddAsync(dataSource, "bench.handler", "Bench handler", TwinRoles.Handler, password, cancellationToken, replace: true);
        return ("bench.handler", password);
    }
}

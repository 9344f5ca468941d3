using System.Globalization;
using Npgsql;

namespace DigitalTwin.Bench.Harness;

/// <summary>What the benches against <c>./twin cluster</c> share: the look-up they ask, and which data node is primary.</summary>
internal static class ClusterNodes
{
    private const string LookupTemplate =
        "{\"query\":\"query ($x: Float!, $y: Float!) { responsibility(at: {x: $x, y: $y}, taskType: \\\"graffiti\\\") { recipient { key } } }\",\"variables\":{\"x\":%X%,\"y\":%Y%}}";

    /// <summary>A spread of points over the sample city's Södermalm blocks, the same for the same n.</summary>
    public static double Jitter(long n, double scale) => ((n * 7919) % 1000) / 1000.0 * scale;

    /// <summary>The GraphQL request body of the n-th look-up (who takes graffiti at a point near the bridge).</summary>
    public static string LookupBody(long n) =>
        LookupTemplate.Replace("%X%", (18.0765 + Jitter(n, 0.002)).ToString("F7", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("%Y%", (59.3075 + Jitter(n + 3, 0.001)).ToString("F7", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>A connection to one data node's twin database, whatever its role.</summary>
    public static NpgsqlConnection Node(int port, string user) =>
        new($"Host=127.0.0.1;Port={port};Username={user};Database=twin;Timeout=5;Pooling=false");

    /// <summary>The port of the data node that is primary, asking each node up to <paramref name="attempts"/> times a second apart.</summary>
    public static async Task<int> PrimaryPortAsync(int[] ports, string user, int attempts, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            if (attempt > 0) await Task.Delay(1000, cancellationToken);
            foreach (var port in ports)
            {
                try
                {
                    await using var connection = Node(port, user);
                    await connection.OpenAsync(cancellationToken);
                    await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery()", connection);
                    if ((bool)(await command.ExecuteScalarAsync(cancellationToken))!) return port;
                }
                catch (NpgsqlException e)
                {
                    problems.Add($":{port} {e.Message}");
                }
            }
        }
        throw new BenchException($"No primary answers on the cluster's data nodes ({string.Join("; ", problems.TakeLast(2))}): ./twin cluster status.");
    }
}

using System.Text.Json;
using DigitalTwin.Server.Database;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace DigitalTwin.Server.Tests.Database;

/// <summary>
/// The server's sessions compile no statement (JIT) and start no parallel workers, whatever the planner estimates: a
/// small question's estimated cost grows with the data (a layer's kept versions, tens of thousands of open cases), and
/// once past <c>jit_above_cost</c> PostgreSQL spent 0.5 to 0.8 s compiling a look-up that runs in 16 ms.
/// </summary>
public sealed class SessionSettingsTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    private IEnumerable<(string Name, NpgsqlDataSource Pool)> Pools()
    {
        _ = server.CreateClient(); // the host, with its pools
        yield return ("server", server.Services.GetRequiredService<NpgsqlDataSource>());
        yield return ("look-up", server.Services.GetRequiredKeyedService<NpgsqlDataSource>(DatabaseExtensions.GenericPlans));
    }

    [Fact]
    public async Task Every_pool_of_the_server_runs_without_JIT_or_parallel_workers()
    {
        foreach (var (name, pool) in Pools())
        {
            await using var command = pool.CreateCommand("SELECT current_setting('jit'), current_setting('max_parallel_workers_per_gather')");
            await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
            (await reader.ReadAsync(CancellationToken.None)).ShouldBeTrue();
            reader.GetString(0).ShouldBe("off", $"jit in the {name} pool");
            reader.GetString(1).ShouldBe("0", $"max_parallel_workers_per_gather in the {name} pool");
        }
    }

    [Fact]
    public async Task The_look_up_as_the_server_runs_it_is_never_compiled_however_costly_it_looks()
    {
        var ct = CancellationToken.None;
        var (_, pool) = Pools().Single(p => p.Name == "look-up");
        await using var connection = await pool.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Every plan costs more than this: with JIT on, PostgreSQL (where built with it) would compile the look-up.
        await using (var cheap = new NpgsqlCommand("SET LOCAL jit_above_cost = 0", connection, transaction)) await cheap.ExecuteNonQueryAsync(ct);
        var compiled = await PlanAsync(connection, transaction, ct);
        compiled.TryGetProperty("JIT", out _).ShouldBeFalse("the server's look-up was compiled: " + compiled);

        // The control: the same statement in the same session with JIT switched back on is compiled, where PostgreSQL can.
        await using (var available = new NpgsqlCommand("SELECT pg_jit_available()", connection, transaction))
        {
            if (await available.ExecuteScalarAsync(ct) is true)
            {
                await using (var on = new NpgsqlCommand("SET LOCAL jit = on", connection, transaction)) await on.ExecuteNonQueryAsync(ct);
                (await PlanAsync(connection, transaction, ct)).TryGetProperty("JIT", out _).ShouldBeTrue();
            }
        }
    }

    /// <summary>The look-up's plan as it ran (EXPLAIN ANALYZE, JSON) at a point of the sample city, for graffiti today.</summary>
    private static async Task<JsonElement> PlanAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, FORMAT JSON) " + SqlResources.Get("Responsibility/lookup.sql"), connection, transaction);
        command.Parameters.AddWithValue(18.0716);
        command.Parameters.AddWithValue(59.3131);
        command.Parameters.AddWithValue(4326);
        command.Parameters.AddWithValue(10.0);
        command.Parameters.AddWithValue(DateTimeOffset.UtcNow);
        command.Parameters.AddWithValue("graffiti");
        var json = (string)(await command.ExecuteScalarAsync(ct))!;
        return JsonDocument.Parse(json).RootElement[0].Clone();
    }
}

using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using DigitalTwin.Testing;
using Npgsql;

namespace DigitalTwin.Server.Tests.Database;

/// <summary>
/// A write refused because the database became read-only (a primary turned standby) drops the idle connections of
/// the pools that write, so that the next write looks for the primary again; the pools that read from a standby keep
/// theirs, since every new session costs the database PostGIS's and PROJ's set-up again, which look-ups would wait for.
/// </summary>
public sealed class PoolClearingTests
{
    [Fact]
    public async Task A_write_refused_by_a_read_only_database_clears_the_writing_pools_and_not_the_reading_ones()
    {
        await using var database = await PostgisServer.CreateDatabaseAsync("pools", migrated: false);
        var name = $"pools-{Guid.NewGuid():N}"[..18];
        await using var writing = TwinDatabase.CreateDataSource(database.ConnectionString, name + "-w");
        await using var reading = TwinDatabase.CreateDataSource(database.ConnectionString, name + "-r", target: "prefer-standby");
        foreach (var pool in new[] { writing, reading })
        {
            await using var connection = await pool.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync();
        }
        (await SessionsAsync(database, name + "-w")).ShouldBe(1);
        (await SessionsAsync(database, name + "-r")).ShouldBe(1);

        var refusal = await ReadOnlyRefusalAsync(database);
        refusal.SqlState.ShouldBe(PostgresErrorCodes.ReadOnlySqlTransaction);
        // The question alone is a question; the error mappers' Handle acts. Wrapped, or among a multi-host failure's.
        DatabaseFaults.IsUnavailable(new InvalidOperationException("wrapped", refusal)).ShouldBeTrue();
        DatabaseFaults.IsUnavailable(new AggregateException(new InvalidOperationException("other host"), refusal)).ShouldBeTrue();
        DatabaseFaults.Handle(new InvalidOperationException("not the database")).ShouldBeFalse();
        // Asked again while other tests may have cleared within the same second (a clear is at most once a second).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (await SessionsAsync(database, name + "-w") > 0 && DateTime.UtcNow < deadline)
        {
            DatabaseFaults.Handle(new InvalidOperationException("wrapped", refusal)).ShouldBeTrue();
            await Task.Delay(200);
        }
        (await SessionsAsync(database, name + "-w")).ShouldBe(0, "the writing pool's idle session is closed");
        (await SessionsAsync(database, name + "-r")).ShouldBe(1, "the reading pool keeps its session");
    }

    private static async Task<PostgresException> ReadOnlyRefusalAsync(TestDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction)) await readOnly.ExecuteNonQueryAsync();
        await using var write = new NpgsqlCommand("CREATE TABLE refused (id int)", connection, transaction);
        return await Should.ThrowAsync<PostgresException>(() => write.ExecuteNonQueryAsync());
    }

    private static Task<long> SessionsAsync(TestDatabase database, string applicationName) =>
        database.ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()", applicationName);
}

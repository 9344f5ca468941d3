using DigitalTwin.Data.Database;
using Npgsql;
using Xunit;

namespace DigitalTwin.Testing;

/// <summary>
/// The PostGIS server the tests run against, named by <c>TWIN_TEST_DB</c> (set by <c>./twin test</c>, which starts a
/// throwaway cluster). There is no fallback: without a database the tests fail, loudly, rather than skip.
/// Each test class gets its own database, cloned from a template that is migrated once per run, so tests own their
/// data and run in parallel.
/// </summary>
public static class PostgisServer
{
    public const string Variable = "TWIN_TEST_DB";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static string? templateName;

    /// <summary>The connection string of the server's maintenance database.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? TwinDatabase.ToConnectionString(value)
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./twin test (it starts a throwaway PostGIS), " +
                $"or set {Variable} to a PostGIS server, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres.");

    /// <summary>Creates a new, migrated database for one test class.</summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(string purpose, bool migrated = true)
    {
        var template = migrated ? await EnsureTemplateAsync() : "template0";
        var name = $"twin_test_{Sanitise(purpose)}_{Guid.NewGuid():N}"[..^20];
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync();
            // CREATE DATABASE ... TEMPLATE fails if another session is connected to the template, so retry briefly.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"", admin);
                    await create.ExecuteNonQueryAsync();
                    break;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 50)
                {
                    await Task.Delay(100);
                }
            }
        }
        return new TestDatabase(name, WithDatabase(name));
    }

    internal static async Task DropDatabaseAsync(string name)
    {
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task<string> EnsureTemplateAsync()
    {
        if (templateName is not null) return templateName;
        await TemplateLock.WaitAsync();
        try
        {
            if (templateName is not null) return templateName;
            // One template per set of migrations; test processes running side by side agree on it through a lock.
            var hash = string.Concat(Migrator.All.Select(m => m.Checksum[..8]));
            var name = $"twin_template_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(hash)))[..16]}";
            await using var admin = new NpgsqlConnection(AdminConnectionString);
            await admin.OpenAsync();
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(7400001)", admin))
                await lockCommand.ExecuteNonQueryAsync();
            try
            {
                await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = $1", admin);
                exists.Parameters.AddWithValue(name);
                if ((long)(await exists.ExecuteScalarAsync())! == 0)
                {
                    var building = name + "_new";
                    await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)", admin))
                        await drop.ExecuteNonQueryAsync();
                    await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{building}\"", admin))
                        await create.ExecuteNonQueryAsync();
                    await using (var dataSource = TwinDatabase.CreateDataSource(WithDatabase(building), "twin-tests"))
                        await Migrator.MigrateAsync(dataSource);
                    NpgsqlConnection.ClearAllPools();
                    await using (var rename = new NpgsqlCommand($"ALTER DATABASE \"{building}\" RENAME TO \"{name}\"", admin))
                        await rename.ExecuteNonQueryAsync();
                }
            }
            finally
            {
                await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(7400001)", admin);
                await unlock.ExecuteNonQueryAsync();
            }
            return templateName = name;
        }
        finally
        {
            TemplateLock.Release();
        }
    }

    private static string WithDatabase(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database, Pooling = true }.ConnectionString;

    private static string Sanitise(string purpose) =>
        new string(purpose.ToLowerInvariant().Where(c => char.IsAsciiLetterOrDigit(c)).Take(20).ToArray());
}

/// <summary>A database of one test class; dropped on dispose.</summary>
public sealed class TestDatabase(string name, string connectionString) : IAsyncDisposable
{
    private NpgsqlDataSource? dataSource;

    public string Name { get; } = name;

    public string ConnectionString { get; } = connectionString;

    public NpgsqlDataSource DataSource => dataSource ??= TwinDatabase.CreateDataSource(ConnectionString, "twin-tests");

    /// <summary>Runs one scalar query, for assertions.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var p in parameters) command.Parameters.AddWithValue(p);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default! : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null) await dataSource.DisposeAsync();
        await PostgisServer.DropDatabaseAsync(Name);
    }
}

/// <summary>An xunit class fixture: one fresh database for the tests of a class.</summary>
public class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("The fixture is not initialised.");

    public async Task InitializeAsync() => database = await PostgisServer.CreateDatabaseAsync(GetType().Name);

    public virtual async Task DisposeAsync()
    {
        if (database is not null) await database.DisposeAsync();
    }
}

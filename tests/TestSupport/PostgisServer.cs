using DigitalTwin.Data.Database;
using Npgsql;
using Xunit;

namespace DigitalTwin.Testing;

/// <summary>
/// The PostGIS server the tests run against, named by <c>TWIN_TEST_DB</c> (set by <c>./twin test</c>, which starts a
/// throwaway cluster). There is no fallback: without a database the tests fail, loudly, rather than skip.
/// Each test class gets its own database, cloned from a template that is migrated once per run (and, for a
/// <see cref="DatabaseSeed"/> such as the sample city, loaded once per run too), so tests own their data and run in
/// parallel.
/// </summary>
public static class PostgisServer
{
    public const string Variable = "TWIN_TEST_DB";

    private static readonly SemaphoreSlim TemplateLock = new(1, 1);
    private static readonly Dictionary<string, string> Templates = new(StringComparer.Ordinal);

    /// <summary>The connection string of the server's maintenance database.</summary>
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? TwinDatabase.ToConnectionString(value)
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with ./twin test (it starts a throwaway PostGIS), " +
                $"or set {Variable} to a PostGIS server, e.g. Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres.");

    /// <summary>
    /// Creates a new database for one test class: migrated, and with the <paramref name="seed"/>'s data when one is
    /// given; or empty (<c>template0</c>) when not <paramref name="migrated"/>.
    /// </summary>
    public static async Task<TestDatabase> CreateDatabaseAsync(string purpose, bool migrated = true, DatabaseSeed? seed = null)
    {
        var template = migrated || seed is not null ? await EnsureTemplateAsync(seed) : "template0";
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

    private static async Task<string> EnsureTemplateAsync(DatabaseSeed? seed)
    {
        // One template per set of migrations and seed; test processes running side by side agree on it through a lock.
        var key = string.Concat(Migrator.All.Select(m => m.Checksum[..8])) + "|" + seed?.Key;
        await TemplateLock.WaitAsync();
        try
        {
            if (Templates.TryGetValue(key, out var known)) return known;
            var name = $"twin_template_{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)))[..16]}";
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
                    // Built under another name and renamed when whole: a run killed half-way leaves no half template.
                    var building = name + "_new";
                    await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)", admin))
                        await drop.ExecuteNonQueryAsync();
                    await using (var create = new NpgsqlCommand($"CREATE DATABASE \"{building}\"", admin))
                        await create.ExecuteNonQueryAsync();
                    await using (var dataSource = TwinDatabase.CreateDataSource(WithDatabase(building), "twin-tests"))
                    {
                        await Migrator.MigrateAsync(dataSource);
                        if (seed is not null) await seed.LoadAsync(dataSource);
                    }
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
            return Templates[key] = name;
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

/// <summary>
/// Data that many test classes start from (the sample city), loaded once into a template database and cloned for
/// each class. <paramref name="Key"/> names the data's version: when it changes, a new template is made.
/// </summary>
public sealed record DatabaseSeed(string Key, Func<NpgsqlDataSource, Task> LoadAsync);

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

    /// <summary>
    /// <paramref name="count"/> graffiti cases at the sample's bridge pillar (numbered <paramref name="prefix"/>-1, -2, ...),
    /// forwarded to the graffiti subcontractor's webhook at <paramref name="webhooks"/>: each with its outbox row, as a
    /// handler's forward writes them. For the tests that kill, freeze or double the servers that deliver them.
    /// </summary>
    public Task<int> ForwardedCasesAsync(string prefix, int count, Uri webhooks) => ScalarAsync<int>("""
        WITH made AS (
            INSERT INTO cases (service_request_id, category, description, lon, lat, geom, language, channel, status, assignee)
            SELECT $1 || '-' || n, 'graffiti', 'case ' || n, 18.076363, 59.305782,
                   ST_Transform(ST_SetSRID(ST_MakePoint(18.076363, 59.305782), 4326), 3035), 'sv', 'open311', 'forwarded', 'klotterfritt'
            FROM generate_series(1, $2) n
            RETURNING id, service_request_id)
        INSERT INTO outbox (case_id, recipient, channel, target, payload)
        SELECT id, 'klotterfritt', 'webhook', $3 || 'klotterfritt', json_build_object('service_request_id', service_request_id)::jsonb
        FROM made;
        """, prefix, count, new Uri(webhooks, "webhooks/").ToString());

    /// <summary>
    /// Closes the database to new connections and ends its sessions, as a restart ends them (an outage for whoever
    /// uses it, and no one else), or opens it again.
    /// </summary>
    public async Task SetOpenAsync(bool open)
    {
        await using var admin = new NpgsqlConnection(PostgisServer.AdminConnectionString);
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{Name}\" ALLOW_CONNECTIONS {(open ? "true" : "false")}", admin))
            await alter.ExecuteNonQueryAsync();
        if (open) return;
        await using var end = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
        end.Parameters.AddWithValue(Name);
        await end.ExecuteScalarAsync();
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

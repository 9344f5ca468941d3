using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace DigitalTwin.Data.Database;

/// <summary>
/// Applies the SQL files of <c>db/migrations</c> in name order, each in its own transaction, and records them in
/// <c>schema_migrations</c>. Safe to run again and from several processes at once (an advisory lock serialises them).
/// A recorded migration whose file has since changed is refused: history is not rewritten.
/// </summary>
public static class Migrator
{
    private const long AdvisoryLockKey = 0x7477696e_6d696772; // "twinmigr"

    public sealed record Migration(string Name, string Sql)
    {
        public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    /// <summary>The migrations shipped in this build, in the order they apply.</summary>
    public static IReadOnlyList<Migration> All { get; } = LoadEmbedded();

    /// <summary>
    /// Applies what is missing to the database at <paramref name="connectionStringOrUrl"/>, through a data source of
    /// its own that is closed afterwards; returns the names applied now. The way to migrate before serving: the data
    /// sources opened afterwards learn the types the migrations made (PostGIS's geometry in an empty database) when
    /// they first connect, on every host of a primary and its standbys. (A data source of several hosts that was
    /// already used does not learn them again: Npgsql 10 reloads types only for the data source of the one host a
    /// connection went to, npgsql/npgsql#6237.)
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(string connectionStringOrUrl, CancellationToken cancellationToken = default)
    {
        await using var dataSource = TwinDatabase.CreateDataSource(connectionStringOrUrl, "twin-migrate");
        return await MigrateAsync(dataSource, cancellationToken);
    }

    /// <summary>
    /// Applies what is missing; returns the names applied now. The types the migrations made are known afterwards to
    /// <paramref name="dataSource"/> when it names one host; for several hosts use the other overload before opening
    /// the data sources that serve.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
        {
            lockCommand.Parameters.AddWithValue(AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await using (var create = new NpgsqlCommand(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    name       text PRIMARY KEY,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            var applied = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var read = new NpgsqlCommand("SELECT name, checksum FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken)) applied[reader.GetString(0)] = reader.GetString(1);
            }

            var appliedNow = new List<string>();
            foreach (var migration in All)
            {
                if (applied.TryGetValue(migration.Name, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new MigrationException(
                            $"Migration {migration.Name} was applied with different content (checksum {checksum[..12]}…, " +
                            $"the file now has {migration.Checksum[..12]}…). Add a new migration instead of editing an applied one.");
                    }
                    continue;
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var apply = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await apply.ExecuteNonQueryAsync(cancellationToken);
                }
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", connection, transaction))
                {
                    record.Parameters.AddWithValue(migration.Name);
                    record.Parameters.AddWithValue(migration.Checksum);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }
                await transaction.CommitAsync(cancellationToken);
                appliedNow.Add(migration.Name);
            }

            if (appliedNow.Count > 0)
            {
                // Types created by a migration (PostGIS's geometry) must be known to every pooled connection.
                await connection.ReloadTypesAsync(cancellationToken);
            }
            return appliedNow;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
            unlock.Parameters.AddWithValue(AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static List<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith("migrations/", StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => new Migration(name["migrations/".Length..], Read(assembly, name)))
            .ToList();
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>The database's migration history does not match this build (an applied migration was edited).</summary>
public sealed class MigrationException(string message) : Exception(message);

using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>A system's key, as found: who it is, in which role, for which organisation (a contractor's).</summary>
public sealed record ApiKey(int Id, string Name, string Role, string? Organisation)
{
    public Actor Actor => new($"key:{Name}", Id, Organisation);
}

/// <summary>
/// Keys of systems (citizen apps, contractors' systems). Only a SHA-256 hash of a key is stored; a key is shown once,
/// when made. Revoked and expired keys are refused. A key found is remembered for <see cref="Remembered"/>, so that a
/// citizen app posting hundreds of cases a second is not looked up hundreds of times. A revoked key (./twin key
/// revoke, from any process) is refused on every node at once: the database tells each node's listener
/// (<see cref="Cluster.ClusterSignals"/>, migration 0024's trigger), which calls <see cref="Forget"/>; and within
/// <see cref="Remembered"/> on a node that missed the word. Keys not found are not remembered.
/// Keys are looked up on the primary; while it is lost (a failover) and a standby serves look-ups
/// (<c>Database:LookupsFromStandby</c>), on the standby, so that integrations asking go on being answered: a
/// revocation of the last moments may then be seen late, by the standby's replay lag.
/// </summary>
/// <param name="dataSource">The primary's pool.</param>
/// <param name="standby">The look-ups' pool that prefers a standby, asked only while the primary is unavailable; null: none.</param>
public sealed class ApiKeys(NpgsqlDataSource dataSource, NpgsqlDataSource? standby = null) : IDisposable
{
    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);

    private readonly MemoryCache found = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    /// <summary>Counts <see cref="Forget"/>s: a look-up that began before one does not put back what it forgot.</summary>
    private long forgotten;

    public async Task<ApiKey?> FindAsync(string? key, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 200) return null;
        var hash = ApiKeyHash.Of(key);
        var name = Convert.ToHexString(hash);
        if (found.TryGetValue(name, out ApiKey? known)) return known;
        var generation = Interlocked.Read(ref forgotten);
        ApiKey? apiKey;
        try
        {
            apiKey = await DatabaseFaults.OnceMoreIfBrokenAsync(() => LookUpAsync(dataSource, hash, cancellationToken));
        }
        catch (Exception e) when (standby is not null && DatabaseFaults.IsUnavailable(e))
        {
            apiKey = await DatabaseFaults.OnceMoreIfBrokenAsync(() => LookUpAsync(standby, hash, cancellationToken));
        }
        if (apiKey is not null && generation == Interlocked.Read(ref forgotten)) found.Set(name, apiKey, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Remembered });
        return apiKey;
    }

    private static async Task<ApiKey?> LookUpAsync(NpgsqlDataSource source, byte[] hash, CancellationToken cancellationToken)
    {
        await using var command = source.CreateCommand(SqlResources.Get("Cases/api_key.sql"));
        command.Parameters.AddWithValue(hash);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiKey(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetStringOrNull(3))
            : null;
    }

    /// <summary>Forgets every key remembered: a key was revoked or changed somewhere; the next use looks it up again.</summary>
    public void Forget()
    {
        Interlocked.Increment(ref forgotten);
        found.Clear();
    }

    /// <summary>Makes a key and returns it: the only time it is seen.</summary>
    public async Task<string> CreateAsync(string name, string role, string? organisation, DateTimeOffset? expires, CancellationToken cancellationToken) =>
        (await ApiKeyWriter.CreateAsync(dataSource, name, role, organisation, expires, cancellationToken)).Key;

    public void Dispose() => found.Dispose();
}

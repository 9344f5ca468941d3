using System.Collections.Concurrent;
using DigitalTwin.Data.Database;
using Npgsql;

namespace DigitalTwin.Server.Access;

/// <summary>A person who signs in: handler, GIS staff or admin.</summary>
public sealed record User(int Id, string Username, string? DisplayName, string Role)
{
    /// <summary>How the person appears on timelines and in the audit log.</summary>
    public string ActorName => $"user:{Username}";
}

/// <summary>People who sign in (<c>./twin user add</c>): their passwords are checked against PBKDF2 hashes.</summary>
public sealed class Users(NpgsqlDataSource dataSource)
{
    /// <summary>The user, if the password is theirs and they are not disabled; null otherwise (never says which).</summary>
    public async Task<User?> SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        if (username.Length is 0 or > 100 || password.Length is 0 or > 256) return null;
        await using var command = dataSource.CreateCommand(
            "SELECT id, username, display_name, role, password_hash FROM users WHERE username = $1 AND disabled_at IS NULL");
        command.Parameters.AddWithValue(username.Trim().ToLowerInvariant());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            // As long as a wrong password takes: no telling which usernames exist by the time it takes.
            PasswordHash.Verify(password, Decoy);
            return null;
        }
        var user = new User(reader.GetInt32(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetString(3));
        return PasswordHash.Verify(password, reader.GetString(4)) ? user : null;
    }

    private readonly ConcurrentDictionary<(string, string), (bool Active, DateTimeOffset At)> checkedUsers = new();

    /// <summary>Counts <see cref="Forget"/>s: a check that began before one does not put back what it forgot.</summary>
    private long forgotten;

    /// <summary>
    /// Forgets every answer remembered: a user was disabled or changed somewhere (the database tells every node,
    /// <see cref="Cluster.ClusterSignals"/>), so the next request of each session asks again.
    /// </summary>
    public void Forget()
    {
        Interlocked.Increment(ref forgotten);
        checkedUsers.Clear();
    }

    /// <summary>
    /// Whether the user may still be signed in with this role (not disabled, role unchanged), as the database said at
    /// most <paramref name="maxAge"/> ago, and since the last change to any user that this node heard of.
    /// </summary>
    public async Task<bool> IsActiveAsync(string username, string role, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (checkedUsers.TryGetValue((username, role), out var known) && now - known.At < maxAge) return known.Active;
        var generation = Interlocked.Read(ref forgotten);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM users WHERE username = $1 AND role = $2 AND disabled_at IS NULL");
        command.Parameters.AddWithValue(username);
        command.Parameters.AddWithValue(role);
        var active = (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        if (generation == Interlocked.Read(ref forgotten)) checkedUsers[(username, role)] = (active, now);
        return active;
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM users WHERE disabled_at IS NULL)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static readonly string Decoy = PasswordHash.Of(Guid.NewGuid().ToString());
}

using Npgsql;

namespace DigitalTwin.Data.Access;

/// <summary>
/// Writes the people who sign in: the one place a user and a password are written, for the command line
/// (./twin user), the tests, the benches and the demo. Passwords are kept as <see cref="PasswordHash"/>.
/// </summary>
public static class UserWriter
{
    /// <summary>
    /// Adds a person; with <paramref name="replace"/>, sets the role, name and password of one who exists (the demo's
    /// and the benches' own users, made again on every run). A username taken is the database's unique violation.
    /// </summary>
    public static async Task AddAsync(NpgsqlDataSource dataSource, string username, string? displayName, string role, string password,
        CancellationToken cancellationToken, bool replace = false)
    {
        if (!TwinRoles.People.Contains(role)) throw new ArgumentException($"'{role}' is not a person's role; one of {string.Join(", ", TwinRoles.People)}.", nameof(role));
        if (PasswordHash.Weakness(password) is { } weakness) throw new ArgumentException(weakness, nameof(password));
        await using var command = dataSource.CreateCommand(replace
            ? """
              INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
              ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role, password_hash = excluded.password_hash,
                                                   disabled_at = NULL
              """
            : "INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)");
        command.Parameters.AddWithValue(username);
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)displayName ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.AddWithValue(role);
        command.Parameters.AddWithValue(PasswordHash.Of(password));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Text.Json;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// What the desk keeps per person, in the database so that every server node sees it: who has which case open
/// (another handler opening it is warned), each handler's saved inbox views, and the language they chose last.
/// </summary>
public sealed class DeskState(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>How often an open case says it is still open; the desk's pages do it this often.</summary>
    public static readonly TimeSpan ViewingEvery = TimeSpan.FromSeconds(15);

    public const int MaxViews = 50;

    private const int MaxViewBytes = 4096;

    /// <summary>A person on the desk, by username and the name they are shown by.</summary>
    public sealed record Person(string Username, string Name);

    /// <summary>
    /// <paramref name="username"/> has the case open now: recorded, and the others who have it open returned (the
    /// case box warns that a colleague is working on it too).
    /// </summary>
    public async Task<IReadOnlyList<Person>> ViewingAsync(long caseId, string username, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/viewing.sql"));
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(username);
        command.Parameters.AddWithValue(time.GetUtcNow());
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var others = new List<Person>();
            while (await reader.ReadAsync(cancellationToken)) others.Add(new Person(reader.GetString(0), reader.GetString(1)));
            return others;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new TwinException(ErrorCodes.UnknownCase, $"There is no case {caseId}, or no person {username}.");
        }
    }

    /// <summary><paramref name="username"/> closed the case (selected another): the others stop being warned at once.</summary>
    public async Task LeftAsync(long caseId, string username, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM case_viewers WHERE case_id = $1 AND username = $2");
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(username);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The people who work cases (handlers and admins, not disabled), to give a case to.</summary>
    public async Task<IReadOnlyList<Person>> ColleaguesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT username, coalesce(display_name, username) FROM users WHERE role IN ('handler', 'admin') AND disabled_at IS NULL ORDER BY 2, 1");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var people = new List<Person>();
        while (await reader.ReadAsync(cancellationToken)) people.Add(new Person(reader.GetString(0), reader.GetString(1)));
        return people;
    }

    /// <summary>A handler's saved inbox views: name and filter (JSON, as the desk wrote it), by name.</summary>
    public async Task<IReadOnlyList<(string Name, string Filter)>> ViewsAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT name, filter::text FROM inbox_views WHERE username = $1 ORDER BY name");
        command.Parameters.AddWithValue(username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var views = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken)) views.Add((reader.GetString(0), reader.GetString(1)));
        return views;
    }

    /// <summary>Saves (or replaces) a view under its name; the filter is a JSON object of at most 4 KiB.</summary>
    public async Task SaveViewAsync(string username, string name, string filterJson, CancellationToken cancellationToken)
    {
        var title = name?.Trim() ?? "";
        if (title.Length is < 1 or > 60) throw new TwinException(ErrorCodes.BadInput, "A view's name has 1 to 60 characters.");
        if (TextRules.Problem("name", title) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        if (System.Text.Encoding.UTF8.GetByteCount(filterJson) > MaxViewBytes) throw new TwinException(ErrorCodes.BadInput, "A view's filter is at most 4 KiB.");
        try
        {
            using var parsed = JsonDocument.Parse(filterJson);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object) throw new TwinException(ErrorCodes.BadInput, "A view's filter is a JSON object.");
        }
        catch (JsonException e)
        {
            throw new TwinException(ErrorCodes.BadInput, $"A view's filter is not JSON: {e.Message}");
        }
        await using var command = dataSource.CreateCommand("""
            INSERT INTO inbox_views (username, name, filter)
            SELECT $1, $2, $3::jsonb WHERE (SELECT count(*) FROM inbox_views WHERE username = $1 AND name <> $2) < $4
            ON CONFLICT (username, name) DO UPDATE SET filter = EXCLUDED.filter
            """);
        command.Parameters.AddWithValue(username);
        command.Parameters.AddWithValue(title);
        command.Parameters.AddWithValue(filterJson);
        command.Parameters.AddWithValue(MaxViews);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new TwinException(ErrorCodes.BadInput, $"A handler keeps at most {MaxViews} views; delete one first.");
    }

    public async Task DeleteViewAsync(string username, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM inbox_views WHERE username = $1 AND name = $2");
        command.Parameters.AddWithValue(username);
        command.Parameters.AddWithValue(name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The language the person chose last (fi, sv or en); null when they never chose, or for a key.</summary>
    public async Task<string?> LanguageAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT language FROM users WHERE username = $1");
        command.Parameters.AddWithValue(username);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Remembers the person's language (fi, sv or en), so that the pages open in it next time, anywhere.</summary>
    public async Task SetLanguageAsync(string username, string language, CancellationToken cancellationToken)
    {
        if (language is not ("fi" or "sv" or "en")) throw new TwinException(ErrorCodes.BadInput, $"The languages are fi, sv and en; not {language}.");
        await using var command = dataSource.CreateCommand("UPDATE users SET language = $2 WHERE username = $1");
        command.Parameters.AddWithValue(username);
        command.Parameters.AddWithValue(language);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using System.Text.Json;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// What the desk keeps per person, in the database so that every server node sees it: who has which case open
/// (another handler opening it is warned), each handler's saved inbox views, and the language they chose last. A
/// person is named as on the timeline (<c>user:NAME</c>, or <c>oidc:NAME</c> through the city's identity provider).
/// </summary>
public sealed class DeskState(NpgsqlDataSource dataSource, TimeProvider time)
{
    /// <summary>How often an open case says it is still open; the desk's pages do it this often.</summary>
    public static readonly TimeSpan ViewingEvery = TimeSpan.FromSeconds(15);

    public const int MaxViews = 50;

    private const int MaxViewBytes = 4096;

    /// <summary>A person on the desk, as the timeline names them (<c>user:NAME</c>) and by the name they are shown by.</summary>
    public sealed record Person(string Id, string Name);

    /// <summary>
    /// <paramref name="me"/> has the case open now, in <paramref name="view"/> (one case box's showing of it): recorded,
    /// and the others who have it open returned (the case box warns that a colleague is working on it too).
    /// </summary>
    public async Task<IReadOnlyList<Person>> ViewingAsync(long caseId, Person me, Guid view, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/viewing.sql"));
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(me.Id);
        command.Parameters.AddWithValue(me.Name.Length > 200 ? me.Name[..200] : me.Name);
        command.Parameters.AddWithValue(time.GetUtcNow());
        command.Parameters.AddWithValue(view);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var others = new List<Person>();
            while (await reader.ReadAsync(cancellationToken)) others.Add(new Person(reader.GetString(0), reader.GetString(1)));
            return others;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new TwinException(ErrorCodes.UnknownCase, $"There is no case {caseId}.");
        }
    }

    /// <summary>
    /// <paramref name="person"/> closed the case in <paramref name="view"/> (selected another): the others stop being
    /// warned at once, unless a later view of the person has it open (its row is then its own, and stays).
    /// </summary>
    public async Task LeftAsync(long caseId, string person, Guid view, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM case_viewers WHERE case_id = $1 AND person = $2 AND view_id = $3");
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(person);
        command.Parameters.AddWithValue(view);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The people of the users table who work cases (handlers and admins, not disabled), to give a case to: the one
    /// asking first, then their shortlist (those they gave cases to in the last 90 days, the latest first), then the
    /// rest by name.
    /// </summary>
    public async Task<IReadOnlyList<Person>> ColleaguesAsync(string me, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Cases/colleagues.sql"));
        command.Parameters.AddWithValue(me);
        command.Parameters.AddWithValue(time.GetUtcNow().AddDays(-90));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var people = new List<Person>();
        while (await reader.ReadAsync(cancellationToken)) people.Add(new Person(reader.GetString(0), reader.GetString(1)));
        return people;
    }

    /// <summary>A handler's saved inbox views: name and filter (JSON, as the desk wrote it), by name.</summary>
    public async Task<IReadOnlyList<(string Name, string Filter)>> ViewsAsync(string person, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT name, filter::text FROM inbox_views WHERE person = $1 ORDER BY name");
        command.Parameters.AddWithValue(person);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var views = new List<(string, string)>();
        while (await reader.ReadAsync(cancellationToken)) views.Add((reader.GetString(0), reader.GetString(1)));
        return views;
    }

    /// <summary>Saves (or replaces) a view under its name; the filter is a JSON object of at most 4 KiB.</summary>
    public async Task SaveViewAsync(string person, string name, string filterJson, CancellationToken cancellationToken)
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
            INSERT INTO inbox_views (person, name, filter)
            SELECT $1, $2, $3::jsonb WHERE (SELECT count(*) FROM inbox_views WHERE person = $1 AND name <> $2) < $4
            ON CONFLICT (person, name) DO UPDATE SET filter = EXCLUDED.filter
            """);
        command.Parameters.AddWithValue(person);
        command.Parameters.AddWithValue(title);
        command.Parameters.AddWithValue(filterJson);
        command.Parameters.AddWithValue(MaxViews);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            throw new TwinException(ErrorCodes.BadInput, $"A handler keeps at most {MaxViews} views; delete one first.");
    }

    public async Task DeleteViewAsync(string person, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM inbox_views WHERE person = $1 AND name = $2");
        command.Parameters.AddWithValue(person);
        command.Parameters.AddWithValue(name);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The language the person chose last (fi, sv or en); null when they never chose, or for a key.</summary>
    public async Task<string?> LanguageAsync(string person, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT language FROM person_settings WHERE person = $1");
        command.Parameters.AddWithValue(person);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Remembers the person's language (fi, sv or en), so that the pages open in it next time, anywhere.</summary>
    public async Task SetLanguageAsync(string person, string language, CancellationToken cancellationToken)
    {
        if (language is not ("fi" or "sv" or "en")) throw new TwinException(ErrorCodes.BadInput, $"The languages are fi, sv and en; not {language}.");
        await using var command = dataSource.CreateCommand("INSERT INTO person_settings (person, language) VALUES ($1, $2) ON CONFLICT (person) DO UPDATE SET language = EXCLUDED.language");
        command.Parameters.AddWithValue(person);
        command.Parameters.AddWithValue(language);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

using DigitalTwin.Server.Database;
using Npgsql;

namespace DigitalTwin.Server.Catalog;

/// <summary>
/// Which version of each layer answers a question about a date: today and later, what serves now; a past date, what
/// served at the end of that day; before a layer was first loaded, its first version (the earliest state we know).
/// </summary>
internal static class ServedVersions
{
    public sealed record Result(int[] Ids, IReadOnlyList<string> LayersLoadedLater);

    /// <summary>The moment a date stands for: now for today and later; the end of the day for a past date.</summary>
    public static DateTimeOffset Moment(DateOnly on, TimeProvider time) =>
        on >= DateOnly.FromDateTime(time.GetLocalNow().Date)
            ? time.GetUtcNow()
            : new DateTimeOffset(on.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddTicks(-10);

    public static async Task<Result> ResolveAsync(NpgsqlConnection connection, DateOnly on, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("Catalog/served_versions.sql"), connection);
        command.Parameters.AddWithValue(Moment(on, time));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<int>();
        var late = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetInt32(0));
            if (reader.GetBoolean(2)) late.Add(reader.GetString(1));
        }
        late.Sort(StringComparer.Ordinal);
        return new Result([.. ids], late);
    }
}

using Npgsql;

namespace DigitalTwin.Importers.Basemap;

/// <summary>
/// Loads the background map (streets with their names, blocks, parks, water) from GeoJSON files in WGS84 into
/// <c>basemap_features</c> (migration 0021): a picture to find one's way by, kept apart from the layers so that it is
/// never a layer of responsibility. Loading a file again replaces what that file loaded before, in one statement.
/// </summary>
internal static class BasemapLoader
{
    /// <summary>The classes a feature may have, in the order the map draws them (water at the bottom).</summary>
    public static IReadOnlyList<string> Classes { get; } = ["water", "park", "block", "street"];

    private static readonly Lazy<string> LoadSql = new(() =>
    {
        using var stream = typeof(BasemapLoader).Assembly.GetManifestResourceStream("Basemap/load_basemap.sql")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>Loads one file under the source name <paramref name="source"/>; returns how many features it holds now.</summary>
    public static async Task<int> LoadAsync(NpgsqlDataSource dataSource, string path, string source, CancellationToken cancellationToken)
    {
        var json = await File.ReadAllTextAsync(path, cancellationToken);
        await using var command = dataSource.CreateCommand(LoadSql.Value);
        command.Parameters.AddWithValue(source);
        command.Parameters.AddWithValue(json);
        try
        {
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.CheckViolation or PostgresErrorCodes.NotNullViolation
                                              or PostgresErrorCodes.InvalidTextRepresentation or PostgresErrorCodes.InternalError)
        {
            throw new InvalidDataException(
                $"{path}: not a basemap: each feature needs a geometry and a class ({string.Join(", ", Classes)}); {e.MessageText}", e);
        }
    }

    /// <summary>Whether any basemap is loaded.</summary>
    public static async Task<bool> IsLoadedAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT FROM basemap_features)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}

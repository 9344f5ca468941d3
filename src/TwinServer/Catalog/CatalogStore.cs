using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using Npgsql;

namespace DigitalTwin.Server.Catalog;

/// <summary>
/// Reads what is loaded: layers and their versions, organisations, task types. Organisations by key, asked on every
/// lookup, go through the generic-plan pool (<see cref="DatabaseExtensions.GenericPlans"/>).
/// </summary>
public sealed class CatalogStore(NpgsqlDataSource dataSource, [FromKeyedServices(DatabaseExtensions.GenericPlans)] NpgsqlDataSource lookups)
{
    public async Task<IReadOnlyList<Layer>> LayersAsync(string? name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Catalog/layers.sql"));
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)name ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var layers = new List<Layer>();
        string? currentName = null;
        List<LayerVersion>? versions = null;
        while (await reader.ReadAsync(cancellationToken))
        {
            var layerName = reader.GetString(0);
            if (layerName != currentName)
            {
                versions = [];
                layers.Add(new Layer(layerName, reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), versions));
                currentName = layerName;
            }
            if (reader.IsDBNull(3)) continue;
            versions!.Add(new LayerVersion(
                reader.GetInt32(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(7),
                reader.GetInt32(8), reader.GetInt32(9), reader.GetInt32(10), reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateTimeOffset>(13),
                reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14), reader.GetBoolean(15))
            {
                Id = reader.GetInt32(16),
                Mode = reader.GetString(17),
                BasedOn = reader.IsDBNull(18) ? null : reader.GetInt32(18),
                Filter = reader.GetStringOrNull(19),
            });
        }
        return layers;
    }

    public async Task<IReadOnlyList<Organisation>> OrganisationsAsync(string? kind, string? text, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Catalog/organisations.sql"));
        command.Parameters.Add(Text(kind));
        command.Parameters.Add(Text(text is null ? null : LikePattern.Containing(text)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var organisations = new List<Organisation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            organisations.Add(ReadOrganisation(reader, 0));
        }
        return organisations;
    }

    /// <summary>Organisations by key, in one query; keys that are no organisation are left out.</summary>
    public async Task<IReadOnlyDictionary<string, Organisation>> OrganisationsByKeyAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Organisation>(StringComparer.Ordinal);
        if (keys.Count == 0) return found;
        await using var command = lookups.CreateCommand(
            "SELECT key, kind, name_fi, name_sv, name_en, webhook_url, open311_endpoint, email FROM organisations WHERE key = ANY ($1)");
        command.Parameters.AddWithValue(keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var organisation = ReadOrganisation(reader, 0);
            found[organisation.Key] = organisation;
        }
        return found;
    }

    public async Task<IReadOnlyList<TaskType>> TaskTypesAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Catalog/task_types.sql"));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var taskTypes = new List<TaskType>();
        while (await reader.ReadAsync(cancellationToken))
        {
            taskTypes.Add(new TaskType(reader.GetString(0),
                new LocalizedName(reader.GetStringOrNull(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3))));
        }
        return taskTypes;
    }

    /// <summary>
    /// An organisation from its row's columns, from <paramref name="first"/> on: key, kind, name in Finnish, Swedish and
    /// English, webhook URL, Open311 endpoint, e-mail.
    /// </summary>
    internal static Organisation ReadOrganisation(NpgsqlDataReader reader, int first) => new(
        reader.GetString(first), reader.GetString(first + 1),
        new LocalizedName(reader.GetStringOrNull(first + 2), reader.GetStringOrNull(first + 3), reader.GetStringOrNull(first + 4)),
        reader.GetStringOrNull(first + 5), reader.GetStringOrNull(first + 6), reader.GetStringOrNull(first + 7));

    private static NpgsqlParameter Text(string? value) =>
        new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };
}

internal static class CatalogExtensions
{
    public static IServiceCollection AddTwinCatalog(this IServiceCollection services) =>
        services.AddSingleton<CatalogStore>().AddSingleton<LayerExtents>().AddScoped<OrganisationLoader>();
}

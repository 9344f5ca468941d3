using System.Collections.Concurrent;
using DigitalTwin.Server.Database;
using Npgsql;

namespace DigitalTwin.Server.Catalog;

/// <summary>A bounding box in WGS84 longitude and latitude (CRS84): west, south, east, north.</summary>
public sealed record LonLatBox(double West, double South, double East, double North);

/// <summary>
/// The bounding box of each layer version in CRS84, for the OGC collections and the TileJSON documents. A version never
/// changes once it serves, so its box is computed once (a scan of the version: about a second for a million parcels)
/// and kept by version id; a new import is a new id.
/// </summary>
internal sealed class LayerExtents(NpgsqlDataSource dataSource)
{
    private readonly ConcurrentDictionary<int, LonLatBox?> known = new();

    /// <summary>The version's box; null when it has no geometry.</summary>
    public async Task<LonLatBox?> OfVersionAsync(int versionId, CancellationToken cancellationToken)
    {
        if (known.TryGetValue(versionId, out var box)) return box;
        await using var command = dataSource.CreateCommand(SqlResources.Get("Catalog/layer_bounds.sql"));
        command.Parameters.AddWithValue(versionId);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            box = await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0)
                ? new LonLatBox(reader.GetDouble(0), reader.GetDouble(1), reader.GetDouble(2), reader.GetDouble(3))
                : null;
        }
        return known[versionId] = box;
    }

    /// <summary>The box of each layer's serving version, by layer name; none for a layer without geometry.</summary>
    public async Task<IReadOnlyDictionary<string, LonLatBox>> OfServingAsync(CancellationToken cancellationToken)
    {
        var versions = new List<(string Layer, int Version)>();
        await using (var command = dataSource.CreateCommand("SELECT name, current_version FROM layers WHERE current_version IS NOT NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken)) versions.Add((reader.GetString(0), reader.GetInt32(1)));
        }
        var boxes = new Dictionary<string, LonLatBox>(StringComparer.Ordinal);
        foreach (var (layer, version) in versions)
        {
            if (await OfVersionAsync(version, cancellationToken) is { } box) boxes[layer] = box;
        }
        return boxes;
    }
}

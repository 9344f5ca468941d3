using DigitalTwin.Server.Database;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Tiles;

/// <summary>
/// Makes vector tiles with PostGIS (<c>ST_AsMVT</c>, tile.sql) and keeps them in memory by layer version and address.
/// Version ids are never reused, so a cached tile can never be one of a replaced version: a new import is a new key,
/// and the old version's tiles age out of the cache.
/// </summary>
public sealed class TileStore : IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly MemoryCache cache;

    public TileStore(NpgsqlDataSource dataSource, IOptions<TileOptions> options)
    {
        this.dataSource = dataSource;
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheMegabytes * 1024L * 1024L });
    }

    /// <summary>The version of a layer that serves now: its id and its number within the layer.</summary>
    public readonly record struct Serving(int Id, int Number);

    /// <summary>The serving version of a layer (null before its first import) and its kind; null when there is no such layer.</summary>
    public async Task<(Serving? Version, string Kind)?> ServingVersionAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Tiles/layer_version.sql"));
        command.Parameters.AddWithValue(layer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        return (reader.IsDBNull(0) ? null : new Serving(reader.GetInt32(0), reader.GetInt32(2)), reader.GetString(1));
    }

    /// <summary>The tile's bytes; empty when no object of the version touches the tile.</summary>
    public async Task<byte[]> TileAsync(int version, string layer, int z, int x, int y, CancellationToken cancellationToken)
    {
        var key = (version, z, x, y);
        if (cache.TryGetValue(key, out byte[]? cached)) return cached!;
        var tile = await RenderAsync(version, layer, z, x, y, cancellationToken);
        cache.Set(key, tile, new MemoryCacheEntryOptions { Size = tile.Length + 64 });
        return tile;
    }

    /// <summary>The tile straight from PostGIS, without the cache (the benchmark's cold path).</summary>
    public async Task<byte[]> RenderAsync(int version, string layer, int z, int x, int y, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Tiles/tile.sql"));
        command.Parameters.AddWithValue(version);
        command.Parameters.AddWithValue(z);
        command.Parameters.AddWithValue(x);
        command.Parameters.AddWithValue(y);
        command.Parameters.AddWithValue(layer);
        return (byte[]?)await command.ExecuteScalarAsync(cancellationToken) ?? [];
    }

    /// <summary>What basemap is loaded (its highest feature id, which any load changes); 0 when none is.</summary>
    public async Task<long> BasemapRevisionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(SqlResources.Get("Tiles/basemap_revision.sql"));
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>A tile of the basemap as loaded at <paramref name="revision"/>; empty when nothing of it touches the tile.</summary>
    public async Task<byte[]> BasemapTileAsync(long revision, TileAddress tile, CancellationToken cancellationToken)
    {
        var key = (LayerNames.Basemap, revision, tile);
        if (cache.TryGetValue(key, out byte[]? cached)) return cached!;
        await using var command = dataSource.CreateCommand(SqlResources.Get("Tiles/basemap_tile.sql"));
        command.Parameters.AddWithValue(tile.Z);
        command.Parameters.AddWithValue(tile.X);
        command.Parameters.AddWithValue(tile.Y);
        var bytes = (byte[]?)await command.ExecuteScalarAsync(cancellationToken) ?? [];
        cache.Set(key, bytes, new MemoryCacheEntryOptions { Size = bytes.Length + 64 });
        return bytes;
    }

    public void Dispose() => cache.Dispose();
}

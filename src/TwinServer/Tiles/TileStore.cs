using System.Collections.Concurrent;
using DigitalTwin.Server.Cluster;
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
/// <remarks>
/// Which version of a layer serves (and which basemap is loaded) is remembered too, so that a cached tile needs no
/// round trip to the database, but only while the node hears the database's word of every change (migration 0030's
/// triggers on <c>twin_layers</c>, taken by <see cref="ClusterSignals"/>): each notice forgets it all, a node that is not
/// listening asks at every tile, and nothing is remembered longer than <see cref="ClusterOptions.ListenerCheckSeconds"/>,
/// the longest a silently dead listening connection goes unnoticed. A change made in this process forgets at once
/// (<see cref="Forget"/>), so the node that imports serves the new version from its very next tile.
/// </remarks>
public sealed class TileStore : IDisposable
{
    private const string BasemapKey = "\0basemap";

    private readonly NpgsqlDataSource dataSource;
    private readonly MemoryCache cache;
    private readonly TimeProvider time;
    private readonly TimeSpan remembered;
    private readonly ConcurrentDictionary<string, Remembered> known = new(StringComparer.Ordinal);
    private long generation;
    private volatile bool listening;

    private sealed record Remembered(long Generation, long At, object? Value);

    public TileStore(NpgsqlDataSource dataSource, IOptions<TileOptions> options, IOptions<ClusterOptions> cluster, TimeProvider time)
    {
        this.dataSource = dataSource;
        this.time = time;
        remembered = TimeSpan.FromSeconds(cluster.Value.ListenerCheckSeconds);
        cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.CacheMegabytes * 1024L * 1024L });
    }

    /// <summary>Whether this node hears the database's word of layer changes (set by <see cref="ClusterSignals"/>); while not, nothing is remembered.</summary>
    internal bool Listening
    {
        get => listening;
        set
        {
            Forget();
            listening = value;
        }
    }

    /// <summary>Forgets which versions serve: a layer or the basemap changed (here, or anywhere, by the database's word).</summary>
    internal void Forget()
    {
        Interlocked.Increment(ref generation);
        known.Clear();
    }

    /// <summary>A remembered answer, or the database's (remembered when it may be).</summary>
    private async Task<T> RememberedAsync<T>(string key, Func<Task<T>> ask)
    {
        var now = time.GetTimestamp();
        var current = Interlocked.Read(ref generation);
        if (listening && known.TryGetValue(key, out var entry) && entry.Generation == current && time.GetElapsedTime(entry.At, now) < remembered)
        {
            return (T)entry.Value!;
        }
        // The generation is taken before asking: a notice that comes while the database answers makes the answer
        // unfit to keep.
        var value = await ask();
        if (listening && Interlocked.Read(ref generation) == current) known[key] = new Remembered(current, now, value);
        return value;
    }

    /// <summary>The version of a layer that serves now: its id and its number within the layer.</summary>
    public readonly record struct Serving(int Id, int Number);

    /// <summary>The serving version of a layer (null before its first import) and its kind; null when there is no such layer.</summary>
    public Task<(Serving? Version, string Kind)?> ServingVersionAsync(string layer, CancellationToken cancellationToken) =>
        RememberedAsync(layer, () => AskServingVersionAsync(layer, cancellationToken));

    private async Task<(Serving? Version, string Kind)?> AskServingVersionAsync(string layer, CancellationToken cancellationToken)
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
    public Task<long> BasemapRevisionAsync(CancellationToken cancellationToken) =>
        RememberedAsync(BasemapKey, () => AskBasemapRevisionAsync(cancellationToken));

    private async Task<long> AskBasemapRevisionAsync(CancellationToken cancellationToken)
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

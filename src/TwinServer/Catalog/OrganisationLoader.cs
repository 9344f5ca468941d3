using GraphQL.DataLoader;

namespace DigitalTwin.Server.Catalog;

/// <summary>
/// Batches the organisation look-ups of one GraphQL request: every owner, manager, contractor and recipient asked for
/// on one level of the answer (say a page of 100 objects) is read in one query, not one query per object.
/// GraphQL.NET collects the <see cref="IDataLoaderResult"/>s of a level before it asks any of them for its value;
/// the first one asked reads every key requested so far. One instance per request (scoped).
/// </summary>
public sealed class OrganisationLoader(CatalogStore store)
{
    private readonly Dictionary<string, Organisation?> loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    public IDataLoaderResult<Organisation?> Load(string? key)
    {
        if (key is null) return new Value(null);
        lock (pending)
        {
            if (!loaded.ContainsKey(key)) pending.Add(key);
        }
        return new Deferred(this, key);
    }

    private async Task<Organisation?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            string[] keys;
            lock (pending)
            {
                if (loaded.TryGetValue(key, out var known)) return known;
                keys = [.. pending];
                pending.Clear();
            }
            var found = await store.OrganisationsByKeyAsync(keys, cancellationToken);
            lock (pending)
            {
                foreach (var k in keys) loaded[k] = found.GetValueOrDefault(k);
                return loaded.GetValueOrDefault(key);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    private sealed class Deferred(OrganisationLoader loader, string key) : IDataLoaderResult<Organisation?>
    {
        public Task<Organisation?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    private sealed class Value(Organisation? value) : IDataLoaderResult<Organisation?>
    {
        public Task<Organisation?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }
}

using GraphQL.DataLoader;

namespace DigitalTwin.Server.Catalog;

/// <summary>
/// Batches the look-ups by key of one GraphQL request: every key asked for on one level of the answer (say a page of
/// 100 objects) is read in one query, not one query per object. GraphQL.NET collects the
/// <see cref="IDataLoaderResult"/>s of a level before it asks any of them for its value; the first one asked reads
/// every key requested so far. One instance per request (scoped).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds nothing to release unless its AvailableWaitHandle is asked for, and it is not.")]
public abstract class BatchLoader<TValue>
{
    private readonly Dictionary<string, TValue?> loaded = new(StringComparer.Ordinal);
    private readonly HashSet<string> pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim gate = new(1, 1);

    /// <summary>The values of these keys; a key without one is left out.</summary>
    protected abstract Task<IReadOnlyDictionary<string, TValue>> FetchAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    public IDataLoaderResult<TValue?> Load(string? key)
    {
        if (key is null) return new Value(default);
        lock (pending)
        {
            if (!loaded.ContainsKey(key)) pending.Add(key);
        }
        return new Deferred(this, key);
    }

    /// <summary>Values already read elsewhere in the request (say with the answer that names them): they are not read again.</summary>
    public void Prime(IReadOnlyDictionary<string, TValue> values)
    {
        lock (pending)
        {
            foreach (var (key, value) in values)
            {
                loaded[key] = value;
                pending.Remove(key);
            }
        }
    }

    private async Task<TValue?> GetAsync(string key, CancellationToken cancellationToken)
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
            var found = await FetchAsync(keys, cancellationToken);
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

    private sealed class Deferred(BatchLoader<TValue> loader, string key) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }

    private sealed class Value(TValue? value) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }
}

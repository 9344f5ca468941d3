using System.Collections.Concurrent;

namespace DigitalTwin.Server.Database;

/// <summary>
/// The server's SQL lives in .sql files beside the code that runs it (pasteable into psql), embedded at build time
/// under their path from the project root, e.g. <c>Catalog/layers.sql</c>.
/// </summary>
internal static class SqlResources
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Get(string path) => Cache.GetOrAdd(path, static p =>
    {
        using var stream = typeof(SqlResources).Assembly.GetManifestResourceStream(p)
            ?? throw new InvalidOperationException($"No embedded SQL named {p}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });
}

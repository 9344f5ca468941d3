using System.Security.Cryptography;
using DigitalTwin.Importers.Catalog;
using DigitalTwin.Testing;

namespace DigitalTwin.Server.Testing;

/// <summary>
/// The server on a database with the sample city of data/sample loaded, as ./twin up loads it. The city is loaded
/// once per run into a template database that every such fixture is cloned from.
/// </summary>
public class SampleCityServer : TwinServerFactory
{
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// The sample city as a seed, keyed by the content of every file under data/sample and by the day (the
    /// sample's dates are read against today's when it loads), so that a changed sample or a new day makes a new template.
    /// </summary>
    public static DatabaseSeed SampleCity { get; } = new(SampleKey(), dataSource =>
        CityManifest.LoadAsync(dataSource, Path.Combine(RepositoryRoot, "data", "sample", "sample.json"), null, CancellationToken.None));

    protected override Task<TestDatabase> CreateDatabaseAsync() => PostgisServer.CreateDatabaseAsync("sample", seed: SampleCity);

    private static string SampleKey()
    {
        var folder = Path.Combine(RepositoryRoot, "data", "sample");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetRelativePath(folder, file)));
            hash.AppendData(File.ReadAllBytes(file));
        }
        return $"sample {Convert.ToHexStringLower(hash.GetHashAndReset())[..16]} {DateTime.UtcNow:yyyy-MM-dd}";
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DigitalTwin.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No DigitalTwin.sln above {AppContext.BaseDirectory}.");
    }
}

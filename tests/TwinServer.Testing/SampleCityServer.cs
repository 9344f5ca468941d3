using DigitalTwin.Importers.Catalog;

namespace DigitalTwin.Server.Testing;

/// <summary>The server on a database with the sample city of data/sample loaded, as ./twin up loads it.</summary>
public class SampleCityServer : TwinServerFactory
{
    public static string RepositoryRoot { get; } = FindRoot();

    protected override async Task SeedAsync() =>
        await CityManifest.LoadAsync(Database.DataSource, Path.Combine(RepositoryRoot, "data", "sample", "sample.json"), null, CancellationToken.None);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DigitalTwin.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No DigitalTwin.sln above {AppContext.BaseDirectory}.");
    }
}

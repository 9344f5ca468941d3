using DigitalTwin.Importers.Cli;

namespace DigitalTwin.Server.Tests;

/// <summary>The server on a database with the sample city of data/sample loaded, as ./twin up loads it.</summary>
public class SampleCityServer : TwinServerFactory
{
    public static string RepositoryRoot { get; } = FindRoot();

    protected override async Task SeedAsync() =>
        (await SampleCommand.LoadAsync(Database.DataSource, Path.Combine(RepositoryRoot, "data", "sample", "sample.json"), CancellationToken.None)).ShouldBe(0);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DigitalTwin.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No DigitalTwin.sln above {AppContext.BaseDirectory}.");
    }
}

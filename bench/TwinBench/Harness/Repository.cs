namespace DigitalTwin.Bench.Harness;

/// <summary>
/// The repository the bench runs from (./twin bench runs it there): the lookup bench's baseline is a SQL file beside
/// the bench, which the server's tests read too (ContractCatalogTests), without either project embedding the other's.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A SQL file of the bench's own, e.g. lookup_whole.sql.</summary>
    public static string BenchSql(string name) => File.ReadAllText(Path.Combine(Root, "bench", "TwinBench", name));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "DigitalTwin.sln"))) return folder.FullName;
        }
        throw new BenchException("The bench runs from the repository it was built in (DigitalTwin.sln was not found above it).");
    }
}

namespace DigitalTwin.Bench.Harness;

/// <summary>
/// The repository the bench runs from (./twin bench runs it there): the lookup bench's baseline reads the server's own
/// SQL from its source files, so that the two sides cannot drift apart, without either project embedding the other's.
/// </summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>A SQL file of the server, e.g. Responsibility/lookup.sql.</summary>
    public static string ServerSql(string path) => File.ReadAllText(Path.Combine(Root, "src", "TwinServer", path));

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "DigitalTwin.sln"))) return folder.FullName;
        }
        throw new BenchException("The bench runs from the repository it was built in (DigitalTwin.sln was not found above it).");
    }
}

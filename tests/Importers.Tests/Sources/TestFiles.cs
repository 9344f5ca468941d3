namespace DigitalTwin.Importers.Tests.Sources;

/// <summary>Finds the test fixtures and the shared real-world data from wherever the test assembly runs.</summary>
internal static class TestFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "DigitalTwin.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No DigitalTwin.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository root (the folder of DigitalTwin.sln).</summary>
    public static string RepositoryRoot => Root.Value;

    /// <summary>The shared real data beside the repository (../shared/data), which a user's machine does not have.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(Root.Value, "..", "shared", "data"));

    /// <summary>A fixture: copied beside the test assembly when the project copies them, else read from the source tree.</summary>
    public static string Fixture(string name)
    {
        var copied = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        return File.Exists(copied) ? copied : Path.Combine(Root.Value, "tests", "Importers.Tests", "Fixtures", name);
    }

    public static string Shared(string relativePath) => Path.Combine(SharedData, relativePath);
}

/// <summary>A fact that needs ../shared/data: skipped, with the reason shown, where that folder is absent.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute()
    {
        if (!Directory.Exists(TestFiles.SharedData)) Skip = $"{TestFiles.SharedData} is not here (it exists only beside the project's own work tree).";
    }
}

/// <summary>A theory over files in ../shared/data: skipped, with the reason shown, where that folder is absent.</summary>
public sealed class SharedDataTheoryAttribute : TheoryAttribute
{
    public SharedDataTheoryAttribute()
    {
        if (!Directory.Exists(TestFiles.SharedData)) Skip = $"{TestFiles.SharedData} is not here (it exists only beside the project's own work tree).";
    }
}

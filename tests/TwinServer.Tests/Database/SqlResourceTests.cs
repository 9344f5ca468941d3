using System.Text.RegularExpressions;

namespace DigitalTwin.Server.Tests.Database;

/// <summary>Every .sql file the server's code names is embedded in the server, so a misspelt name fails here and not in a request.</summary>
public sealed partial class SqlResourceTests
{
    [Fact]
    public void Every_sql_file_the_code_names_is_embedded()
    {
        var source = Path.Combine(SampleCityServer.RepositoryRoot, "src", "TwinServer");
        var named = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => Named().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Distinct()
            .ToList();
        named.Count.ShouldBeGreaterThan(20);
        var embedded = typeof(DigitalTwin.Server.Cases.CaseStore).Assembly.GetManifestResourceNames();
        named.Where(n => !embedded.Contains(n)).ShouldBeEmpty();
    }

    [GeneratedRegex("""SqlResources\.Get\("([^"]+)"\)""")]
    private static partial Regex Named();
}

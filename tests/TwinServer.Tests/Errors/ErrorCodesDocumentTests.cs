using System.Reflection;
using System.Text.RegularExpressions;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Tests.Errors;

/// <summary>
/// The table of codes in docs/errors.md is the list in <see cref="ErrorCodes"/>: a code added, removed or given
/// another status without the table is a failing test, so the table cannot go stale.
/// </summary>
public sealed partial class ErrorCodesDocumentTests
{
    private static readonly IReadOnlyList<string> Constants = [.. typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral && f.FieldType == typeof(string)).Select(f => (string)f.GetRawConstantValue()!)];

    /// <summary>The table's rows: code and HTTP status.</summary>
    private static Dictionary<string, int> Documented()
    {
        var text = File.ReadAllText(Path.Combine(SampleCityServer.RepositoryRoot, "docs", "errors.md"));
        return Row().Matches(text).ToDictionary(m => m.Groups["code"].Value, m => int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^\| `(?<code>[A-Z_]+)` \| (?<status>\d{3}) \|", RegexOptions.Multiline)]
    private static partial Regex Row();

    [Fact]
    public void Every_code_is_in_the_table_with_its_status()
    {
        var documented = Documented();
        foreach (var code in Constants)
        {
            documented.ShouldContainKey(code, $"docs/errors.md has no row for {code}");
            documented[code].ShouldBe(ErrorCodes.StatusOf(code), $"the status of {code} in docs/errors.md");
        }
    }

    [Fact]
    public void The_table_has_no_code_the_server_does_not_have() =>
        Documented().Keys.Except(Constants).ShouldBeEmpty("rows of docs/errors.md without a constant in ErrorCodes");

    [Fact]
    public void Every_code_has_its_status_and_meaning_once()
    {
        Constants.Distinct().Count().ShouldBe(Constants.Count);
        ErrorCodes.All.Keys.Order(StringComparer.Ordinal).ShouldBe(Constants.Order(StringComparer.Ordinal));
        ErrorCodes.All.Values.ShouldAllBe(c => c.Description.Length > 0 && c.Status >= 400 && c.Status < 600);
    }
}

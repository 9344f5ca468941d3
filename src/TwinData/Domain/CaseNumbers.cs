using System.Text.RegularExpressions;

namespace DigitalTwin.Data.Domain;

/// <summary>
/// A case's number as the citizen reads it out: the year of intake and a running number, 2026-000123 (Open311's
/// service_request_id). Searches that see one look for that case rather than for words.
/// </summary>
public static partial class CaseNumbers
{
    public static bool IsCaseNumber(string? text) => text is not null && Pattern().IsMatch(text);

    [GeneratedRegex(@"^\d{4}-\d{6,}$")]
    private static partial Regex Pattern();
}

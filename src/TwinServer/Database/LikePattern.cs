namespace DigitalTwin.Server.Database;

/// <summary>
/// Text someone typed into a search, as a pattern for <c>LIKE</c>/<c>ILIKE ... ESCAPE '\'</c>: every text filter of the
/// server goes through here, so that <c>%</c>, <c>_</c> and <c>\</c> are looked for as themselves everywhere. Without
/// it, a search for "%" or "_" matches every row, and a trailing "\" makes PostgreSQL refuse the pattern.
/// </summary>
internal static class LikePattern
{
    /// <summary>A pattern that finds the text anywhere in a value (<c>%text%</c>, the text escaped).</summary>
    public static string Containing(string text) => "%" + Escape(text) + "%";

    /// <summary>The text with the three characters LIKE gives a meaning escaped by a backslash.</summary>
    public static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
}

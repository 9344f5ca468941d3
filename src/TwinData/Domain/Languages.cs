namespace DigitalTwin.Data.Domain;

/// <summary>
/// The product's three languages and the one rule for a text that is missing in the language asked for: the asked
/// language, then Finnish, Swedish and English in that order (a city's own languages before English), so that GraphQL,
/// Open311, the map and a citizen's message name the same thing the same way.
/// </summary>
public static class Languages
{
    public const string Finnish = "fi", Swedish = "sv", English = "en";

    public static IReadOnlyList<string> All { get; } = [Finnish, Swedish, English];

    /// <summary>The text in <paramref name="language"/> (fi, sv or en; anything else counts as en), else the first there is in fi, sv, en.</summary>
    public static string? Pick(string? language, string? fi, string? sv, string? en) => language switch
    {
        Finnish => fi ?? sv ?? en,
        Swedish => sv ?? fi ?? en,
        _ => en ?? fi ?? sv,
    };
}

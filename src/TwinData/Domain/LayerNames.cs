using System.Text.RegularExpressions;

namespace DigitalTwin.Data.Domain;

/// <summary>
/// The rule for a layer's name, the same for the command line, the HTTP import, tiles and map object ids: lowercase
/// letters and digits, then also '-' and '_', at most 63 characters (a name to read in a table, a tile URL and an
/// object's id, as PostgreSQL's own names are), e.g. sthlm-parcels. A name never holds a colon, so the first colon
/// of a map object's id ends it.
/// </summary>
public static partial class LayerNames
{
    public const int MaxLength = 63;

    /// <summary>Not a layer's name: the basemap's tiles are at <c>/tiles/basemap/{z}/{x}/{y}.mvt</c>.</summary>
    public const string Basemap = "basemap";

    /// <summary>What the rule says, for a refusal: "'X' is not a layer name: ..." .</summary>
    public const string Rule = "lowercase letters, digits, '-' and '_', starting with a letter or digit, at most 63 characters, not 'basemap', e.g. sthlm-parcels";

    public static bool IsValid(string? name) => name is { Length: > 0 and <= MaxLength } && name != Basemap && Pattern().IsMatch(name);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex Pattern();
}

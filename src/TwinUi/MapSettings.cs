namespace DigitalTwin.Ui;

/// <summary>How the map opens (configuration section <c>Map</c>).</summary>
public sealed class MapSettings
{
    /// <summary>Longitude and latitude of the map's centre when it opens (null: Stockholm's centre).</summary>
    /// <remarks>Null by default: configuration binding appends to an array that already has elements.</remarks>
    public double[]? Center { get; set; }

    public double Zoom { get; set; } = 14;

    /// <summary>fi, sv or en, unless the address asks for another (<c>?lang=sv</c>).</summary>
    public string DefaultLanguage { get; set; } = "en";

    /// <summary>The task type selected when the map opens (if it exists).</summary>
    public string DefaultTaskType { get; set; } = "graffiti";

    /// <summary>
    /// The background map. Unset or <c>{ "type": "own" }</c>: our own basemap's vector tiles (<c>/tiles/basemap</c>,
    /// the sample city's streets, blocks and water; no internet needed; a plain background when none is loaded).
    /// <c>{ "type": "none" }</c>: a plain background. An XYZ source:
    /// <c>{ "type": "xyz", "url": "https://.../{z}/{x}/{y}.png", "attribution": "..." }</c>; a WMTS source, also in a
    /// national projection (EPSG:3879, 3067, 3011, 3006 are known to the map):
    /// <c>{ "type": "wmts", "capabilitiesUrl": "...", "layer": "...", "matrixSet": "...", "attribution": "..." }</c>.
    /// </summary>
    public Dictionary<string, object>? Basemap { get; set; }

    /// <summary>
    /// Where citizens' photos come from (their app's media host, e.g. <c>https://media.cityapp.example</c>): a case's
    /// media_url on one of these origins is shown as a thumbnail, any other as a link. Empty by default: the desk's
    /// browser then fetches nothing from hosts the city did not name (a link could be a tracking pixel).
    /// </summary>
    /// <remarks>Null by default: configuration binding appends to an array that already has elements.</remarks>
    public string[]? MediaOrigins { get; set; }

    /// <summary>Whether a citizen's media URL is on an origin the city named (<see cref="MediaOrigins"/>).</summary>
    public bool ShowsMedia(string? url) =>
        url is not null && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && (MediaOrigins ?? []).Any(origin => Uri.TryCreate(origin, UriKind.Absolute, out var allowed)
            && string.Equals(allowed.GetLeftPart(UriPartial.Authority), uri.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase));

    /// <summary>The kinds of basemap, and the keys each needs besides <c>type</c>.</summary>
    private static readonly Dictionary<string, string[]> BasemapKeys = new(StringComparer.Ordinal)
    {
        ["own"] = [], ["none"] = [], ["xyz"] = ["url"], ["wmts"] = ["capabilitiesUrl", "layer", "matrixSet"],
    };

    /// <summary>What cannot work in these settings, each naming its key (checked when the server starts).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Center is not null && (Center.Length != 2 || Center[0] is < -180 or > 180 || Center[1] is < -90 or > 90))
            problems.Add("Map:Center is not a longitude and a latitude, e.g. [18.07, 59.33]");
        if (Zoom is < 0 or > 24) problems.Add("Map:Zoom is not between 0 and 24");
        if (!Languages.All.Contains(DefaultLanguage)) problems.Add($"Map:DefaultLanguage is not one of {string.Join(", ", Languages.All)}");
        if (Basemap is not null)
        {
            var type = Basemap.GetValueOrDefault("type")?.ToString();
            if (type is null || !BasemapKeys.TryGetValue(type, out var keys))
                problems.Add($"Map:Basemap:type is not one of {string.Join(", ", BasemapKeys.Keys)}");
            else
                problems.AddRange(keys.Where(k => string.IsNullOrWhiteSpace(Basemap.GetValueOrDefault(k)?.ToString())).Select(k => $"Map:Basemap:{k} is needed for a {type} basemap"));
        }
        foreach (var origin in MediaOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/" || uri.Query.Length > 0
                || origin.Any(c => c is ';' or ' ' or ',' or '\'' or '"'))
                problems.Add($"Map:MediaOrigins has '{origin}', which is not an origin such as https://media.cityapp.example");
        }
        return problems;
    }
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// What GDAL's <c>ogrinfo</c> says about a data source: its layers, and for one layer its driver, CRS and fields.
/// GDAL 3.6's <c>ogrinfo</c> has no JSON output, so its text is parsed: layer lines (<c>1: name (Polygon)</c>), then
/// for one layer (<c>-so</c>, summary only) the driver line, the CRS as WKT1 with its authority, and the field lines
/// (<c>name: Type (width.precision)</c>).
/// </summary>
internal static partial class OgrInfo
{
    /// <summary>The names of the layers of a data source, in GDAL's order.</summary>
    /// <exception cref="SourceFormatException">GDAL cannot open it.</exception>
    public static IReadOnlyList<string> Layers(string dataSource, IReadOnlyList<string> openOptions)
    {
        var (exit, output, errors) = GdalTools.Run("ogrinfo", ["-ro", "-q", .. openOptions, dataSource]);
        if (exit != 0) throw Unreadable(dataSource, errors);
        return LayerNames(output);
    }

    /// <summary>The summary of one layer.</summary>
    /// <exception cref="SourceFormatException">GDAL cannot open it.</exception>
    public static OgrLayer Describe(string dataSource, string layer, IReadOnlyList<string> openOptions)
    {
        var (exit, output, errors) = GdalTools.Run("ogrinfo", ["-ro", "-so", "-nomd", "-wkt_format", "WKT1", .. openOptions, dataSource, layer]);
        if (exit != 0) throw Unreadable(dataSource, errors);
        return Summary(output, layer);
    }

    /// <summary>
    /// The layer names of <c>ogrinfo -q</c>'s list: <c>1: name (Polygon)</c>, <c>2: name</c> (no geometry), or
    /// <c>Layer: name (Multi Polygon)</c> from the drivers that list layers by group (OpenFileGDB); a service's layer
    /// with its title (<c>1: ms:parks (title: Parks)</c>).
    /// </summary>
    public static IReadOnlyList<string> LayerNames(string output) =>
        output.Split('\n').Select(l => LayerLine().Match(l.TrimEnd('\r'))).Where(m => m.Success).Select(m => m.Groups["name"].Value).ToList();

    /// <summary>Parses the summary of one layer (<c>ogrinfo -so -nomd -wkt_format WKT1 SOURCE LAYER</c>).</summary>
    public static OgrLayer Summary(string output, string layer)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string driver = "GDAL";
        string? wkt = null;
        long? count = null;
        string? fid = null;
        var fields = new List<OgrField>();
        var geometries = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (DriverLine().Match(line) is { Success: true } d) driver = d.Groups["driver"].Value;
            else if (line.StartsWith("Feature Count: ", StringComparison.Ordinal) && long.TryParse(line[15..], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)) count = n >= 0 ? n : null;
            else if (line.StartsWith("FID Column = ", StringComparison.Ordinal)) fid = line[13..];
            else if (line.StartsWith("Geometry Column", StringComparison.Ordinal) && line.IndexOf(" = ", StringComparison.Ordinal) is var eq and > 0) geometries.Add(line[(eq + 3)..]);
            else if (line.StartsWith("Layer SRS WKT:", StringComparison.Ordinal))
            {
                // WKT1 as GDAL prints it: one bracketed expression over several lines; "(unknown)" when there is none.
                var text = new StringBuilder();
                var depth = 0;
                while (++i < lines.Count)
                {
                    var part = lines[i];
                    text.Append(part.Trim());
                    depth += part.Count(c => c == '[') - part.Count(c => c == ']');
                    if (depth <= 0) break;
                }
                wkt = text.Length == 0 || text.ToString() == "(unknown)" ? null : text.ToString();
            }
            else if (FieldLine().Match(line) is { Success: true } f) fields.Add(new OgrField(f.Groups["name"].Value, f.Groups["type"].Value));
        }
        return new OgrLayer(layer, driver, wkt, fields, geometries, count, fid);
    }

    private static SourceFormatException Unreadable(string dataSource, string errors)
    {
        var messages = GdalTools.Messages(errors).ToList();
        return new SourceFormatException($"{dataSource}: GDAL cannot read it{(messages.Count == 0 ? "" : ": " + string.Join(" ", messages.Take(5)))}");
    }

    [GeneratedRegex(@"^\s*(?:\d+: |Layer: )(?<name>.+?)(?: \((?:title: [^()]*|[A-Za-z0-9 ]+(?:, [A-Za-z0-9 ]+)*)\))*$")]
    private static partial Regex LayerLine();

    [GeneratedRegex(@"^\s*using driver `(?<driver>[^']+)' successful\.$")]
    private static partial Regex DriverLine();

    // The OGR field types; a subtype in brackets (Integer(Boolean)); width.precision; NOT NULL, DEFAULT, UNIQUE, ALTERNATIVE_NAME and the like after.
    [GeneratedRegex(@"^(?<name>.+): (?<type>Integer|Integer64|Real|String|Date|Time|DateTime|Binary|IntegerList|Integer64List|RealList|StringList)(?:\((?<subtype>\w+)\))? \(\d+\.\d+\)(?: .*)?$")]
    private static partial Regex FieldLine();
}

using System.Globalization;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// Reads the ways files and users name a CRS by EPSG code: <c>EPSG:3879</c>, <c>3879</c>, OGC URNs and URLs, <c>CRS84</c>.
/// </summary>
internal static class CrsNames
{
    /// <summary>EPSG:4326 as our geometries use it: x = longitude, y = latitude, whatever the authority's axis order.</summary>
    public const int Wgs84 = 4326;

    /// <summary>
    /// Reads an EPSG code from a CRS name; CRS84 (the RFC 7946 default, lon/lat) becomes 4326 because our geometries
    /// are always lon/lat, so the two are the same to us.
    /// </summary>
    public static bool TryParseEpsg(string? text, out int epsg)
    {
        epsg = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var name = text.Trim();

        if (name.Equals("CRS84", StringComparison.OrdinalIgnoreCase)
            || name.Equals("OGC:CRS84", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("urn:ogc:def:crs:OGC:", StringComparison.OrdinalIgnoreCase) && name.EndsWith(":CRS84", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("http://www.opengis.net/def/crs/OGC/", StringComparison.OrdinalIgnoreCase) && name.EndsWith("/CRS84", StringComparison.OrdinalIgnoreCase))
        {
            epsg = Wgs84;
            return true;
        }

        string? code = null;
        if (name.StartsWith("urn:ogc:def:crs:EPSG:", StringComparison.OrdinalIgnoreCase))
        {
            // urn:ogc:def:crs:EPSG::3879 or with a version between the colons (urn:ogc:def:crs:EPSG:6.18:3879).
            code = name[(name.LastIndexOf(':') + 1)..];
        }
        else if (name.StartsWith("http://www.opengis.net/def/crs/EPSG/", StringComparison.OrdinalIgnoreCase)
                 || name.StartsWith("https://www.opengis.net/def/crs/EPSG/", StringComparison.OrdinalIgnoreCase))
        {
            code = name.TrimEnd('/')[(name.TrimEnd('/').LastIndexOf('/') + 1)..];
        }
        else if (name.StartsWith("EPSG:", StringComparison.OrdinalIgnoreCase))
        {
            code = name[5..];
        }
        else if (name.All(char.IsAsciiDigit))
        {
            code = name;
        }

        return code is not null
            && int.TryParse(code.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out epsg)
            && epsg > 0;
    }
}

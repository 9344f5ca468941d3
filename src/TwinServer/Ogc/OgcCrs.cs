using System.Collections.Frozen;
using System.Globalization;

namespace DigitalTwin.Server.Ogc;

/// <summary>
/// A coordinate reference system the OGC API serves (Part 2: CRS by Reference), by its URI and its EPSG code in
/// PostGIS. <paramref name="NorthingFirst"/> is the axis order of the CRS as the EPSG registry defines it, which Part 2
/// obliges coordinates to follow: EPSG:4326 is latitude, longitude; SWEREF 99, GK25FIN and LAEA Europe are northing,
/// easting. Only CRS84 is longitude, latitude by definition. A test checks the table against GDAL's PROJ database.
/// </summary>
internal sealed record OgcCrs(string Uri, int Srid, bool NorthingFirst)
{
    public const string Crs84Uri = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
    private const string EpsgPrefix = "http://www.opengis.net/def/crs/EPSG/0/";

    public static OgcCrs Crs84 { get; } = new(Crs84Uri, 4326, NorthingFirst: false);

    /// <summary>Whether coordinates are degrees (the bbox is then checked against the Earth's ranges).</summary>
    public bool Geographic => Srid == 4326;

    /// <summary>Decimal places written: about a millimetre, in degrees or in metres.</summary>
    public int Decimals => Geographic ? 9 : 3;

    /// <summary>Every CRS served, CRS84 first (the default, as Part 1 requires), then the storage CRS and the national ones.</summary>
    public static IReadOnlyList<OgcCrs> All { get; } =
    [
        Crs84,
        Epsg(4326, northingFirst: true),
        Epsg(3857, northingFirst: false),
        Epsg(StorageCrs.Srid, northingFirst: true),
        // Finland: GK25FIN (Helsinki) is northing first, TM35FIN easting first.
        Epsg(3879, northingFirst: true),
        Epsg(3067, northingFirst: false),
        // Sweden: SWEREF 99 TM and the twelve local zones 3007 to 3018 (3011 is Stockholm's 18 00), all northing first.
        Epsg(3006, northingFirst: true),
        .. Enumerable.Range(3007, 12).Select(srid => Epsg(srid, northingFirst: true)),
        // ETRS89 / UTM 32N and 33N (Denmark, Norway, Germany).
        Epsg(25832, northingFirst: false),
        Epsg(25833, northingFirst: false),
    ];

    private static readonly FrozenDictionary<string, OgcCrs> ByUri = All.ToFrozenDictionary(c => c.Uri, StringComparer.Ordinal);

    private static OgcCrs Epsg(int srid, bool northingFirst) => new(EpsgPrefix + srid.ToString(CultureInfo.InvariantCulture), srid, northingFirst);

    /// <summary>
    /// Reads a CRS as a client names it: its URI (as Part 2 requires), or the short forms people type (EPSG:3879,
    /// [EPSG:3879], CRS84, OGC:CRS84). Null when it is none of the CRSs served.
    /// </summary>
    public static OgcCrs? Find(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var name = text.Trim();
        if (name.StartsWith('[') && name.EndsWith(']')) name = name[1..^1];
        if (ByUri.TryGetValue(name, out var crs)) return crs;
        if (name is "CRS84" or "OGC:CRS84" or "urn:ogc:def:crs:OGC:1.3:CRS84" or "http://www.opengis.net/def/crs/OGC/0/CRS84") return Crs84;
        var code = name.StartsWith("EPSG:", StringComparison.OrdinalIgnoreCase) ? name[5..]
            : name.StartsWith("urn:ogc:def:crs:EPSG::", StringComparison.OrdinalIgnoreCase) ? name[22..]
            : null;
        return code is not null && int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var srid)
            && ByUri.TryGetValue(EpsgPrefix + srid.ToString(CultureInfo.InvariantCulture), out var epsg) ? epsg : null;
    }

    /// <summary>The Content-Crs header's value: the URI in angle brackets.</summary>
    public string Header => $"<{Uri}>";
}

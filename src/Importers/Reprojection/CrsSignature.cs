using System.Globalization;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// What makes two WKT coordinate systems the same for our purposes, whatever they are called: the ellipsoid, the datum
/// family, the projection method and its parameters. ESRI's .prj files name the same things differently from EPSG
/// (<c>SWEREF99_TM</c> vs <c>SWEREF99 TM</c>, <c>D_ETRS_1989</c> vs <c>European_Terrestrial_Reference_System_1989</c>,
/// <c>False_Easting</c> vs <c>false_easting</c>) and carry no AUTHORITY, so comparing names would not do.
/// </summary>
internal sealed record CrsSignature(
    string Name,
    bool Projected,
    double SemiMajorAxis,
    double InverseFlattening,
    string DatumFamily,
    string Method,
    double LatitudeOfOrigin,
    double CentralMeridian,
    double ScaleFactor,
    double FalseEasting,
    double FalseNorthing,
    double MetresPerUnit,
    bool PseudoMercator,
    double StandardParallel1 = double.NaN,
    double StandardParallel2 = double.NaN)
{
    /// <summary>Reads the signature of a WKT1 PROJCS or GEOGCS; null for anything else.</summary>
    public static CrsSignature? From(WktNode root)
    {
        var projected = root.Keyword.Equals("PROJCS", StringComparison.OrdinalIgnoreCase);
        var geographic = projected ? root.Child("GEOGCS") : root.Keyword.Equals("GEOGCS", StringComparison.OrdinalIgnoreCase) ? root : null;
        var datum = geographic?.Child("DATUM");
        var spheroid = datum?.Child("SPHEROID") ?? datum?.Child("ELLIPSOID");
        if (geographic is null || datum is null || spheroid?.Number(1) is not { } a || spheroid.Number(2) is not { } inverseFlattening)
            return null;

        var parameters = root.ChildrenNamed("PARAMETER")
            .Where(p => p.Name is not null && p.Number(1) is not null)
            .GroupBy(p => Normalise(p.Name!))
            .ToDictionary(g => g.Key, g => g.First().Number(1)!.Value);
        double Parameter(double fallback, params string[] names)
        {
            foreach (var name in names)
            {
                if (parameters.TryGetValue(name, out var value)) return value;
            }
            return fallback;
        }

        var method = projected ? Normalise(root.Child("PROJECTION")?.Name ?? "") : "";
        var name = root.Name ?? "";
        var proj4 = root.ChildrenNamed("EXTENSION").Select(e => e.Arguments.Count > 1 ? e.Arguments[1] as string : null).FirstOrDefault() ?? "";
        var pseudoMercator = method is "mercatorauxiliarysphere" or "popularvisualisationpseudomercator"
            || method.StartsWith("mercator", StringComparison.Ordinal)
               && (Normalise(name).Contains("pseudo", StringComparison.Ordinal) || Normalise(name).Contains("webmercator", StringComparison.Ordinal)
                   || proj4.Contains("+b=6378137", StringComparison.Ordinal));

        // In either order: 49 and 46 are the same cone as 46 and 49. A parallel of 0 is the equator of a Mercator, which
        // ESRI writes and EPSG leaves out.
        double[] parallels = [.. new[] { Parameter(double.NaN, "standardparallel1"), Parameter(double.NaN, "standardparallel2") }
            .Where(p => !double.IsNaN(p) && p != 0).OrderDescending()];
        return new CrsSignature(
            name,
            projected,
            a,
            inverseFlattening,
            FamilyOf(datum.Name ?? ""),
            method switch
            {
                "transversemercator" or "gausskruger" => "tm",
                "lambertazimuthalequalarea" => "laea",
                // ESRI writes Lambert_Conformal_Conic for both; the standard parallels and the scale tell them apart.
                "lambertconformalconic" or "lambertconformalconic2sp" or "lambertconformalconic1sp" => "lcc",
                "albers" or "albersconicequalarea" => "aea",
                "obliquestereographic" or "doublestereographic" => "sterea",
                _ when method.StartsWith("mercator", StringComparison.Ordinal) || pseudoMercator => "merc",
                _ => method,
            },
            Parameter(0, "latitudeoforigin", "latitudeofcenter", "latitudeofnaturalorigin"),
            Parameter(0, "centralmeridian", "longitudeofcenter", "longitudeofnaturalorigin", "longitudeoforigin"),
            Parameter(1, "scalefactor", "scalefactoratnaturalorigin"),
            Parameter(0, "falseeasting"),
            Parameter(0, "falsenorthing"),
            projected ? root.Child("UNIT")?.Number(1) ?? 1 : 1,
            pseudoMercator,
            parallels.Length > 0 ? parallels[0] : double.NaN,
            parallels.Length > 1 ? parallels[1] : double.NaN);
    }

    /// <summary>Whether two systems give the same coordinates: same ellipsoid, method and parameters.</summary>
    public bool SameProjectionAs(CrsSignature other) =>
        Projected == other.Projected
        && Math.Abs(SemiMajorAxis - other.SemiMajorAxis) < 1e-3
        // GRS 1980 and WGS 84 differ only in the 7th decimal of the inverse flattening.
        && Math.Abs(InverseFlattening - other.InverseFlattening) < 1e-7
        && Method == other.Method
        && PseudoMercator == other.PseudoMercator
        && Math.Abs(LatitudeOfOrigin - other.LatitudeOfOrigin) < 1e-8
        && Math.Abs(CentralMeridian - other.CentralMeridian) < 1e-8
        && Math.Abs(ScaleFactor - other.ScaleFactor) < 1e-10
        && Math.Abs(FalseEasting - other.FalseEasting) < 1e-3
        && Math.Abs(FalseNorthing - other.FalseNorthing) < 1e-3
        && Math.Abs(MetresPerUnit - other.MetresPerUnit) < 1e-9
        && Same(StandardParallel1, other.StandardParallel1)
        && Same(StandardParallel2, other.StandardParallel2);

    private static bool Same(double a, double b) => double.IsNaN(a) ? double.IsNaN(b) : Math.Abs(a - b) < 1e-8;

    public override string ToString() => Projected
        ? string.Create(CultureInfo.InvariantCulture,
            $"\"{Name}\": {Method}, central meridian {CentralMeridian}, latitude of origin {LatitudeOfOrigin}, scale {ScaleFactor}, false easting {FalseEasting}, false northing {FalseNorthing}, ellipsoid a={SemiMajorAxis} 1/f={InverseFlattening}")
        : string.Create(CultureInfo.InvariantCulture, $"\"{Name}\": geographic, ellipsoid a={SemiMajorAxis} 1/f={InverseFlattening}");

    public static string Normalise(string name) =>
        new(name.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());

    /// <summary>ETRS89 and its national realisations go by many names; SWEREF 99 is kept apart so 3006 and 25833 differ.</summary>
    private static string FamilyOf(string datum)
    {
        var n = Normalise(datum);
        if (n.Contains("sweref", StringComparison.Ordinal)) return "SWEREF99";
        if (n.Contains("etrs", StringComparison.Ordinal) || n.Contains("europeanterrestrial", StringComparison.Ordinal)
            || n.Contains("euref", StringComparison.Ordinal) || n.Contains("etrf", StringComparison.Ordinal)) return "ETRS89";
        if (n.Contains("wgs84", StringComparison.Ordinal) || n.Contains("wgs1984", StringComparison.Ordinal)) return "WGS84";
        return n;
    }
}

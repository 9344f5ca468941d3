using System.Globalization;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>Where a feature lies against its CRS's area of use.</summary>
internal enum AreaVerdict
{
    /// <summary>Inside the CRS's own area.</summary>
    Inside,

    /// <summary>Outside the CRS's own zone but inside the area of its series of zones: accepted, and noted.</summary>
    OutsideZone,

    /// <summary>Outside the area where the CRS or its series is used: the CRS is wrong for it.</summary>
    Outside,
}

/// <summary>
/// Checks each feature's coordinates against where EPSG says its CRS may be used, so that a file in another CRS than
/// the one it is read in (degrees in a projected file, a neighbouring zone, a Stockholm file in SWEREF 99 TM instead of
/// 18 00) is refused instead of loading hundreds of kilometres off.
/// </summary>
/// <remarks>
/// <para>The corners of a feature's envelope are taken to degrees on the CRS's own datum with ProjNet (no datum shift:
/// that moves a point by metres, the areas are given to 0.01°) and compared with the areas, widened by
/// <see cref="Margin"/>; where the corners stick out, the feature's vertices decide, so a large feature whose envelope
/// pokes past a curved edge is not refused.</para>
/// <para>EPSG's zones are nominal: a Finnish municipality may use one GK zone over its whole extent, Norway uses UTM 33N
/// nationwide and Denmark 32N. So a feature is refused only outside the area of its CRS's whole series of zones (all
/// the GK zones: Finland; all the ETRS89 UTM zones: Europe), and one outside its own zone but inside the series is
/// counted and noted. Coordinates that all fit longitude and latitude in a projected CRS, outside its own area, are
/// refused too: they are degrees (which the worldwide series of WGS 84 / UTM would otherwise let through).</para>
/// <para>One instance serves one import, on its reading thread: it keeps the outside features' numbers and a few of
/// their positions, for the report and for <see cref="CrsGuess"/>.</para>
/// </remarks>
internal sealed class AreaCheck
{
    /// <summary>Degrees of slack around EPSG's boxes, which are rounded to 0.01° and drawn around land borders.</summary>
    public const double Margin = 0.1;

    private const int SampleCount = 20;

    private readonly MathTransform? toDegrees;
    private readonly double[] xs = new double[4];
    private readonly double[] ys = new double[4];
    private readonly List<Coordinate> samples = [];

    private AreaCheck(int epsg, string crsName, AreaOfUse area, MathTransform? toDegrees)
    {
        Epsg = epsg;
        CrsName = crsName;
        Area = area;
        this.toDegrees = toDegrees;
    }

    public int Epsg { get; }

    public string CrsName { get; }

    public AreaOfUse Area { get; }

    public bool IsGeographic => toDegrees is null;

    /// <summary>Features outside the area of the CRS and its series: refused.</summary>
    public FeatureNumbers Outside { get; } = new();

    /// <summary>Features outside the CRS's own zone but inside its series: accepted.</summary>
    public FeatureNumbers OutsideZone { get; } = new();

    /// <summary>Where the first refused features are, in the file's coordinates (the centre of each one's envelope).</summary>
    public IReadOnlyList<Coordinate> Samples => samples;

    /// <summary>The CRS, as the report names it: "SWEREF99 TM (EPSG:3006)".</summary>
    public string Label => $"{CrsName} (EPSG:{Epsg})";

    /// <summary>
    /// A check for a CRS: null when EPSG gives it no area (not an EPSG code) or ProjNet cannot take its coordinates to
    /// degrees (a projection it lacks); the importer then says so in the report.
    /// </summary>
    public static AreaCheck? Create(int epsg, CrsCatalog catalog)
    {
        if (AreaOfUse.Of(epsg) is not { } area) return null;
        CoordinateSystem coordinateSystem;
        try
        {
            coordinateSystem = catalog.CoordinateSystem(epsg);
        }
        catch (CrsException)
        {
            return null;
        }
        if (coordinateSystem is GeographicCoordinateSystem) return new AreaCheck(epsg, coordinateSystem.Name, area, null);
        if (coordinateSystem is not ProjectedCoordinateSystem projected) return null;
        try
        {
            var inverse = new CoordinateTransformationFactory()
                .CreateFromCoordinateSystems(projected, projected.GeographicCoordinateSystem).MathTransform;
            return new AreaCheck(epsg, coordinateSystem.Name, area, inverse);
        }
        catch (Exception e) when (e is NotSupportedException or NotImplementedException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>Where a feature lies; a refused one's number and position are kept, and a noted one's number.</summary>
    /// <param name="number">The feature's number in the file.</param>
    /// <param name="geometry">The feature's geometry in the file's CRS.</param>
    /// <param name="reason">Why a refused feature is refused, for the report line; null otherwise.</param>
    public AreaVerdict Check(long number, Geometry geometry, out string? reason)
    {
        reason = null;
        var envelope = geometry.EnvelopeInternal;
        xs[0] = envelope.MinX; ys[0] = envelope.MinY;
        xs[1] = envelope.MaxX; ys[1] = envelope.MinY;
        xs[2] = envelope.MinX; ys[2] = envelope.MaxY;
        xs[3] = envelope.MaxX; ys[3] = envelope.MaxY;
        var verdict = Classify(xs, ys);
        if (verdict != AreaVerdict.Inside && geometry.NumPoints > 1)
        {
            var coordinates = geometry.Coordinates;
            var vx = coordinates.Select(c => c.X).ToArray();
            var vy = coordinates.Select(c => c.Y).ToArray();
            verdict = Classify(vx, vy);
        }
        if (verdict == AreaVerdict.Inside) return verdict;

        var degrees = !IsGeographic && envelope.MinX >= -180 && envelope.MaxX <= 180 && envelope.MinY >= -90 && envelope.MaxY <= 90;
        if (verdict == AreaVerdict.OutsideZone && !degrees)
        {
            OutsideZone.Add(number);
            return verdict;
        }

        Outside.Add(number);
        if (samples.Count < SampleCount) samples.Add(envelope.Centre);
        var notDegrees = IsGeographic && (envelope.MinX < -180 || envelope.MaxX > 180 || envelope.MinY < -90 || envelope.MaxY > 90);
        reason = notDegrees
            ? $"coordinates out of range: ({Number(envelope.MinX)} {Number(envelope.MinY)}) is not longitude/latitude; is the source CRS right? (use --crs)"
            : degrees
            ? $"outside the CRS's area: the coordinates ({Number(envelope.MinX)} {Number(envelope.MinY)}) look like degrees, not the metres of {Label}; is the source CRS right? (use --crs)"
            : $"outside the CRS's area: {Where(envelope.Centre)} is outside where {Label} is used ({Area.Name}: {Area.Series}); is the source CRS right? (use --crs)";
        return AreaVerdict.Outside;
    }

    /// <summary>A point of the file's CRS in degrees, or null where the CRS cannot take it there.</summary>
    public (double Longitude, double Latitude)? ToDegrees(double x, double y)
    {
        if (toDegrees is null) return (x, y);
        double[] px = [x], py = [y];
        toDegrees.Transform(px, py, 1, 1);
        return Plausible(px[0], py[0]) ? (px[0], py[0]) : null;
    }

    /// <summary>
    /// Whether an inverse projection gave a place on Earth: far outside a projection's domain ProjNet returns numbers
    /// rather than failing (a latitude of millions of degrees).
    /// </summary>
    public static bool Plausible(double longitude, double latitude) =>
        double.IsFinite(longitude) && double.IsFinite(latitude) && Math.Abs(latitude) <= 90 && Math.Abs(longitude) <= 360;

    /// <summary>What the report says about the accepted features outside the CRS's own zone; null when there are none.</summary>
    public string? ZoneNote() => OutsideZone.Count == 0 ? null :
        $"{OutsideZone.Describe("Feature", "features")} {(OutsideZone.Count == 1 ? "lies" : "lie")} outside the nominal area of {Label} ({Area}) but inside where its series of zones is used ({Area.Series}): accepted, since a country or municipality may use one zone throughout; check the CRS if that is not so.";

    private AreaVerdict Classify(double[] x, double[] y)
    {
        // In place: the arrays are this check's scratch or a copy of the vertices.
        toDegrees?.Transform(x, y, 1, 1);
        var verdict = AreaVerdict.Inside;
        for (var i = 0; i < x.Length; i++)
        {
            if (!Plausible(x[i], y[i]) || !Area.Series.Contains(x[i], y[i], Margin)) return AreaVerdict.Outside;
            if (!Area.Own.Contains(x[i], y[i], Margin)) verdict = AreaVerdict.OutsideZone;
        }
        return verdict;
    }

    private string Where(Coordinate point) => ToDegrees(point.X, point.Y) is { } d
        ? $"({Number(point.X)} {Number(point.Y)}) at {GeographicBox.Longitude(d.Longitude)} {GeographicBox.Latitude(d.Latitude)}"
        : $"({Number(point.X)} {Number(point.Y)}), which is nowhere on Earth in it,";

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}

/// <summary>Feature numbers in increasing order, kept as ranges so that a million of them take a few bytes.</summary>
internal sealed class FeatureNumbers
{
    private readonly List<(long First, long Last)> ranges = [];

    public long Count { get; private set; }

    public long First => ranges.Count > 0 ? ranges[0].First : 0;

    public void Add(long number)
    {
        Count++;
        if (ranges.Count > 0 && ranges[^1].Last + 1 == number) ranges[^1] = (ranges[^1].First, number);
        else if (ranges.Count == 0 || ranges[^1].Last < number) ranges.Add((number, number));
    }

    /// <summary>"Features 1–117 (117)", "Feature 4", "Features 3, 5, 9–12, ... (1,234)".</summary>
    public string Describe(string one, string many, int shown = 8)
    {
        var parts = ranges.Take(shown).Select(r => r.First == r.Last ? $"{r.First}" : r.Last == r.First + 1 ? $"{r.First}, {r.Last}" : $"{r.First}–{r.Last}");
        var text = string.Join(", ", parts) + (ranges.Count > shown ? ", ..." : "");
        return Count == 1 ? $"{one} {text}" : string.Create(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(many[0])}{many[1..]} {text} ({Count:N0})");
    }
}

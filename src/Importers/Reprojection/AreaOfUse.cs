using System.Globalization;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>A box of longitudes and latitudes in degrees, west to east (never across the antimeridian).</summary>
internal sealed record GeographicBox(double West, double South, double East, double North)
{
    public bool Contains(double longitude, double latitude, double margin) =>
        longitude >= West - margin && longitude <= East + margin && latitude >= South - margin && latitude <= North + margin;

    public bool Intersects(GeographicBox other) =>
        West <= other.East && other.West <= East && South <= other.North && other.South <= North;

    public double Size => (East - West) * (North - South);

    public override string ToString() =>
        $"{Longitude(West)}–{Longitude(East)}, {Latitude(South)}–{Latitude(North)}";

    public static string Longitude(double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(value):0.00}°{(value < 0 ? "W" : "E")}");

    public static string Latitude(double value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Abs(value):0.00}°{(value < 0 ? "S" : "N")}");
}

/// <summary>
/// Where EPSG says a CRS may be used: its own area, and the area of the series of zones it belongs to (all the UTM
/// zones, all the Finnish GK zones), from PROJ's database through the generated AreasOfUse.tsv.
/// </summary>
/// <param name="Code">The EPSG code.</param>
/// <param name="Deprecated">EPSG has replaced it; kept, since files still come in it, but never suggested.</param>
/// <param name="Own">The union of the CRS's own extents.</param>
/// <param name="Series">Where its series of zones is used; the same as <paramref name="Own"/> for a CRS of no series.</param>
/// <param name="Name">The name of its largest extent, e.g. "Sweden - 18 00".</param>
internal sealed record AreaOfUse(int Code, bool Deprecated, GeographicBox Own, GeographicBox Series, string Name)
{
    private static readonly Lazy<Dictionary<int, AreaOfUse>> Table = new(Load);

    /// <summary>Every EPSG geographic 2D and projected CRS PROJ knows (about 6,100).</summary>
    public static IReadOnlyCollection<AreaOfUse> All => Table.Value.Values;

    /// <summary>The area of an EPSG code; null for a code that is no geographic 2D or projected CRS of EPSG.</summary>
    public static AreaOfUse? Of(int code) => Table.Value.GetValueOrDefault(code);

    public override string ToString() => $"{Name}: {Own}";

    /// <summary>Reads the table embedded from AreasOfUse.tsv (see AreasOfUse.sql beside it for how it is made).</summary>
    internal static Dictionary<int, AreaOfUse> Parse(TextReader reader)
    {
        var table = new Dictionary<int, AreaOfUse>();
        reader.ReadLine(); // the header
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var f = line.Split('\t');
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            var own = new GeographicBox(D(2), D(3), D(4), D(5));
            var series = f[6].Length == 0 ? own : new GeographicBox(D(6), D(7), D(8), D(9));
            var code = int.Parse(f[0], CultureInfo.InvariantCulture);
            table[code] = new AreaOfUse(code, f[1] == "1", own, series, f[10]);
        }
        return table;
    }

    private static Dictionary<int, AreaOfUse> Load()
    {
        using var stream = typeof(AreaOfUse).Assembly.GetManifestResourceStream("AreasOfUse.tsv")
            ?? throw new InvalidOperationException("AreasOfUse.tsv is not embedded in the Importers assembly.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}

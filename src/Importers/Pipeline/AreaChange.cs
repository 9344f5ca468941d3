using System.Globalization;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// How a repair changed a geometry's area, with as many digits as it takes to see the change: six significant digits
/// hid it ("1.73502E+09 → 1.73502E+09" for a sliver of 1,458 m² on a district).
/// </summary>
internal static class AreaChange
{
    /// <summary>"area 1,735,021,334 → 1,735,019,876 m² (-1,458 m², -0.000084 %)", in the source CRS's units.</summary>
    /// <param name="before">The area as read.</param>
    /// <param name="after">The area after the repair.</param>
    /// <param name="unit">The unit of area: "m²", or "square degrees" for longitude/latitude.</param>
    public static string Describe(double before, double after, string unit)
    {
        var decimals = Decimals(Math.Max(Math.Abs(before), Math.Abs(after)), 6);
        // The fewest decimals past six significant digits that tell the two apart.
        while (decimals < 15 && Fixed(before, decimals) == Fixed(after, decimals)) decimals++;
        var change = after - before;
        if (change == 0) return $"area {Fixed(before, decimals)} {unit} (unchanged)";
        var percent = before == 0 ? "" : $", {Signed(100 * change / before, 2)} %";
        return $"area {Fixed(before, decimals)} → {Fixed(after, decimals)} {unit} ({Signed(change, 3)} {unit}{percent})";
    }

    /// <summary>The decimals that show <paramref name="significant"/> significant digits of a number of this size.</summary>
    private static int Decimals(double magnitude, int significant) =>
        magnitude == 0 || !double.IsFinite(magnitude) ? 0 : Math.Clamp(significant - ((int)Math.Floor(Math.Log10(magnitude)) + 1), 0, 15);

    private static string Fixed(double value, int decimals) => value.ToString("N" + decimals, CultureInfo.InvariantCulture);

    /// <summary>A change to a few significant digits, without trailing zeros: "+0.1", "-1,458", "-0.000084".</summary>
    private static string Signed(double value, int significant) =>
        (value > 0 ? "+" : "") + value.ToString("#,0." + new string('#', Decimals(Math.Abs(value), significant)), CultureInfo.InvariantCulture);
}

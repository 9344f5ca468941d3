namespace DigitalTwin.Bench.Harness;

/// <summary>The few figures the benches report.</summary>
internal static class Statistics
{
    /// <summary>What a bench says of a target: met, or not met.</summary>
    public static string Verdict(bool met) => met ? "met" : "NOT MET";

    /// <summary>The median of some figures (the mean of the middle two of an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>The p-th percentile (0 to 1) of figures sorted already; NaN for none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

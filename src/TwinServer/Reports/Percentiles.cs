namespace DigitalTwin.Server.Reports;

/// <summary>Percentiles of sorted numbers, as PostgreSQL's <c>percentile_cont</c> gives them, to the last bit.</summary>
public static class Percentiles
{
    /// <summary>
    /// The continuous percentile (0 to 1) of numbers sorted in ascending order, interpolated between the two values
    /// around it (PostgreSQL's <c>percentile_cont</c>, <c>orderedsetaggs.c</c>: the same steps in the same order, so
    /// the same double); null when there are none.
    /// </summary>
    public static double? Continuous(ReadOnlySpan<double> sorted, double percentile)
    {
        if (sorted.IsEmpty) return null;
        var position = percentile * (sorted.Length - 1);
        var first = (int)Math.Floor(position);
        var second = (int)Math.Ceiling(position);
        if (first == second) return sorted[first];
        var proportion = position - first;
        return sorted[first] + (sorted[second] - sorted[first]) * proportion;
    }
}

namespace DigitalTwin.Importers.Pipeline;

/// <summary>How bad a problem is: an error rejects the import (unless skipped), a repair or warning does not.</summary>
internal enum Severity { Error, Repaired, Warning }

/// <summary>One problem with one feature, located by its number in the file and its source id.</summary>
internal sealed record ImportProblem(long FeatureNo, string? SourceId, Severity Severity, string Reason)
{
    public override string ToString() =>
        $"feature {FeatureNo}{(SourceId is null ? "" : $" (id {SourceId})")}: {Severity.ToString().ToLowerInvariant()}: {Reason}";
}

/// <summary>
/// What an import found: counts, and the problems. The first ones are kept for the summary; all of them go to the
/// report file when one was asked for, so that a million bad features do not fill memory.
/// </summary>
internal sealed class ImportReport(TextWriter? reportFile, int keep = 50)
{
    private readonly List<ImportProblem> first = [];
    private readonly Dictionary<string, int> reasonCounts = new(StringComparer.Ordinal);

    public long FeaturesRead { get; set; }
    public long Loaded { get; set; }
    public int Errors { get; private set; }
    public int Repaired { get; private set; }
    public int Warnings { get; private set; }
    public int Skipped { get; set; }
    public IReadOnlyList<ImportProblem> FirstProblems => first;

    /// <summary>Problems counted by their kind of reason (the text before the first colon).</summary>
    public IReadOnlyDictionary<string, int> ReasonCounts => reasonCounts;

    public void Add(ImportProblem problem)
    {
        switch (problem.Severity)
        {
            case Severity.Error: Errors++; break;
            case Severity.Repaired: Repaired++; break;
            default: Warnings++; break;
        }
        var kind = problem.Reason.Split(':', 2)[0];
        reasonCounts[kind] = reasonCounts.GetValueOrDefault(kind) + 1;
        if (first.Count < keep) first.Add(problem);
        reportFile?.WriteLine(problem.ToString());
    }
}

namespace DigitalTwin.Importers.Pipeline;

/// <summary>How bad a problem is: an error rejects the import (unless skipped), a repair or warning does not.</summary>
internal enum Severity { Error, Repaired, Warning }

/// <summary>One problem with one feature, located by its number in the file and its source id.</summary>
internal sealed record ImportProblem(long FeatureNo, string? SourceId, Severity Severity, string Reason)
{
    public override string ToString() =>
        $"feature {FeatureNo}{(SourceId is null ? "" : $" (id {SourceId})")}: {Severity.ToString().ToLowerInvariant()}: {Reason}";
}

/// <summary>What became of one field of the source file.</summary>
/// <param name="Field">The field's name as its features carry it.</param>
/// <param name="Features">How many features have it, where the format lets features list their own fields (GeoJSON).</param>
/// <param name="MappedTo">The domain fields it feeds (id, name, owner, ...), if any.</param>
/// <param name="Origin">Where the name comes from when it is not the file's own (a repeated name made unique).</param>
/// <param name="Ignored">Why its values are not stored; null when they are kept in the source attributes.</param>
internal sealed record FieldUse(string Field, long? Features, IReadOnlyList<string> MappedTo, string? Origin, string? Ignored)
{
    public override string ToString()
    {
        var text = new System.Text.StringBuilder(Field);
        if (Features is { } count) text.Append(System.Globalization.CultureInfo.InvariantCulture, $" (in {count:N0} feature{(count == 1 ? "" : "s")})");
        if (Origin is not null) text.Append(" (").Append(Origin).Append(')');
        if (Ignored is not null) return text.Append(": ignored: ").Append(Ignored).ToString();
        if (MappedTo.Count > 0) text.Append(" → ").AppendJoin(", ", MappedTo).Append(';');
        return text.Append(" kept in the source attributes").ToString();
    }
}

/// <summary>
/// What an import found: counts, and the problems. The first ones are kept for the summary; all of them go to the
/// report file when one was asked for, so that a million bad features do not fill memory.
/// </summary>
internal sealed class ImportReport(TextWriter? reportFile, int keep = 50)
{
    private readonly List<ImportProblem> first = [];
    private readonly Dictionary<string, int> reasonCounts = new(StringComparer.Ordinal);
    private readonly List<string> notes = [];

    public long FeaturesRead { get; set; }
    public long Loaded { get; set; }
    public int Errors { get; private set; }
    public int Repaired { get; private set; }
    public int Warnings { get; private set; }
    public int Skipped { get; set; }

    /// <summary>Features read but left out by --where.</summary>
    public long Filtered { get; set; }

    /// <summary>An append or update: objects of the previous version kept as they were in the new one.</summary>
    public long Kept { get; set; }

    /// <summary>An update: features of the file that replaced an object of the previous version with the same id.</summary>
    public long Replaced { get; set; }
    public IReadOnlyList<ImportProblem> FirstProblems => first;

    /// <summary>How the geometries were reprojected to the storage CRS, and why that way; null for a file without a CRS.</summary>
    public string? Reprojection { get; init; }

    /// <summary>Every field of the source file and what became of it: mapped, kept in the source attributes, or ignored and why.</summary>
    public IReadOnlyList<FieldUse> Fields { get; set; } = [];

    /// <summary>What the import says about the file as a whole (the CRS it was read in, and why), in the order found.</summary>
    public IReadOnlyList<string> Notes => notes;

    public void AddNote(string note) => notes.Add(note);

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

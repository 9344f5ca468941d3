using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;

namespace DigitalTwin.Importers.Filtering;

/// <summary>
/// What an import takes from its source, as ogr2ogr's <c>-where</c> and <c>-select</c> do: only the features
/// <see cref="Where"/> is true for, and of their attributes only the selected ones (the others are listed in the
/// report as ignored, with why). The expression reads every field, selected or not, as <c>-where</c> does.
/// </summary>
internal sealed class FeatureFilter
{
    private readonly HashSet<string>? selected;

    private FeatureFilter(WhereClause? where, HashSet<string>? selected, IReadOnlyList<SourceField> fields)
    {
        Where = where;
        this.selected = selected;
        Fields = fields;
    }

    public WhereClause? Where { get; }

    /// <summary>The source's fields as the mapping sees them: those left out by --select ignored, with the reason.</summary>
    public IReadOnlyList<SourceField> Fields { get; }

    /// <summary>A filter for <paramref name="where"/> and <paramref name="select"/> over a source's fields; null when there is neither.</summary>
    /// <exception cref="ImportException">The expression is wrong, or either names a field the file does not have.</exception>
    public static FeatureFilter? Create(string? where, IReadOnlyList<string>? select, IReadOnlyList<SourceField> fields)
    {
        if (string.IsNullOrWhiteSpace(where) && select is null) return null;
        var names = fields.Where(f => f.Ignored is null).Select(f => f.Name).ToList();
        var clause = string.IsNullOrWhiteSpace(where) ? null : WhereClause.Parse(where, names);
        if (select is null) return new FeatureFilter(clause, null, fields);

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in select)
        {
            var match = names.Contains(name, StringComparer.Ordinal) ? name
                : names.Where(n => n.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList() is [var only] ? only
                : throw new ImportException($"--select {string.Join(",", select)}: the file has no field '{name}'. Its fields are: {(names.Count == 0 ? "none" : string.Join(", ", names))}.");
            chosen.Add(match);
        }
        var filtered = fields.Select(f => f.Ignored is null && !chosen.Contains(f.Name) ? f with { Ignored = "left out by --select" } : f).ToList();
        return new FeatureFilter(clause, chosen, filtered);
    }

    /// <summary>The feature as the import takes it, or null when --where leaves it out.</summary>
    public SourceFeature? Apply(SourceFeature feature)
    {
        if (Where is not null && !Where.Matches(feature.Attributes)) return null;
        if (selected is null) return feature;
        var kept = new Dictionary<string, object?>(selected.Count, StringComparer.Ordinal);
        // In the file's order, which the stored attributes keep.
        foreach (var (name, value) in feature.Attributes)
        {
            if (selected.Contains(name)) kept[name] = value;
        }
        return feature with { Attributes = kept };
    }
}

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Makes the names of a table's columns usable as attribute names: a CSV header or a .dbf may repeat a name (dBase cuts
/// names to 10 characters, so two long ones can meet), or leave one blank. Attributes are looked up by name, so a
/// repeated name would hand on one column and drop the other without a word; each gets a name of its own instead.
/// </summary>
internal static class FieldNames
{
    /// <summary>
    /// The names trimmed, a blank one named <c>column_N</c> (N its 1-based place), a repeated one suffixed <c>_2</c>,
    /// <c>_3</c>, ... (past names already taken); each renamed field says what it was.
    /// </summary>
    public static SourceField[] Unique(IReadOnlyList<string> names, string what)
    {
        var trimmed = names.Select(n => n.Trim()).ToArray();
        var taken = new HashSet<string>(trimmed.Where(n => n.Length > 0), StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var fields = new SourceField[trimmed.Length];
        for (var i = 0; i < trimmed.Length; i++)
        {
            var name = trimmed[i];
            if (name.Length == 0)
            {
                fields[i] = new SourceField(Free($"column_{i + 1}", taken), Origin: $"{what} {i + 1} has no name");
            }
            else if (!seen.Add(name))
            {
                fields[i] = new SourceField(Free(name, taken), Origin: $"{what} {i + 1} repeats the name \"{name}\"");
            }
            else
            {
                fields[i] = new SourceField(name);
            }
        }
        return fields;
    }

    /// <summary>The name with the first free suffix: name_2, name_3, ...; the base itself when it is free.</summary>
    public static string Free(string name, ISet<string> taken)
    {
        if (taken.Add(name)) return name;
        for (var n = 2; ; n++)
        {
            var candidate = $"{name}_{n}";
            if (taken.Add(candidate)) return candidate;
        }
    }
}

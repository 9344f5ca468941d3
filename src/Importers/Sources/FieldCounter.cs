namespace DigitalTwin.Importers.Sources;

/// <summary>
/// The fields of a file whose features each list their own (GeoJSON): the union over all features in the order first
/// seen, with how many features have each. A name repeated within one feature is counted under the name
/// <see cref="Suffixed(string, IReadOnlyDictionary{string, object})"/> gives it, and a feature's own id under
/// <see cref="IdName(IReadOnlyDictionary{string, object})"/>'s, so that the first pass counts
/// exactly the names the reading pass hands on.
/// </summary>
internal sealed class FieldCounter
{
    private const string OwnId = "the feature's own \"id\"";

    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private readonly List<Entry> order = [];
    private readonly Dictionary<string, Entry> ignored = new(StringComparer.Ordinal);
    private long feature;

    /// <summary>The fields counted so far: those handed on first, then those ignored.</summary>
    public IReadOnlyList<SourceField> Fields =>
    [
        .. order.Select(e => new SourceField(e.Name, e.Count, e.Origin)),
        .. ignored.Values.Select(e => new SourceField(e.Name, e.Count, Ignored: e.Origin)),
    ];

    /// <summary>Starts counting the names of the next feature.</summary>
    public void BeginFeature() => feature++;

    /// <summary>Counts a property of the current feature; one it already has is counted under its suffixed name.</summary>
    /// <param name="name">The property's name in the file.</param>
    /// <param name="repeatOrigin">What a suffixed name says about where it comes from, given the name (made only when
    /// a name repeats, not for every property of every feature).</param>
    public void Count(string name, Func<string, string>? repeatOrigin)
    {
        if (Has(name)) Add(SuffixedWhere(name, Has), repeatOrigin?.Invoke(name));
        else Add(name, null);
    }

    /// <summary>Counts the feature's own id, after its properties.</summary>
    public void CountId()
    {
        var name = IdNameWhere(Has);
        Add(name, name == "id" ? OwnId : $"{OwnId}, beside an \"id\" property");
    }

    /// <summary>Counts a member that the reader does not hand on, and why.</summary>
    public void Ignore(string name, string why)
    {
        if (!ignored.TryGetValue(name, out var entry)) ignored[name] = entry = new Entry(name, why);
        entry.Count++;
    }

    /// <summary>The name a repeated property is handed on under: name_2, name_3, ... the first the feature does not have.</summary>
    public static string Suffixed(string name, IReadOnlyDictionary<string, object?> attributes) => SuffixedWhere(name, attributes.ContainsKey);

    /// <summary>The name a feature's own id is handed on under: <c>id</c>, or <c>@id</c> when its properties hold an id.</summary>
    public static string IdName(IReadOnlyDictionary<string, object?> attributes) => IdNameWhere(attributes.ContainsKey);

    private static string SuffixedWhere(string name, Func<string, bool> taken)
    {
        for (var n = 2; ; n++)
        {
            var candidate = $"{name}_{n}";
            if (!taken(candidate)) return candidate;
        }
    }

    private static string IdNameWhere(Func<string, bool> taken) =>
        !taken("id") ? "id" : !taken("@id") ? "@id" : SuffixedWhere("@id", taken);

    /// <summary>Whether the current feature already has the name.</summary>
    private bool Has(string name) => entries.TryGetValue(name, out var entry) && entry.LastFeature == feature;

    private void Add(string name, string? origin)
    {
        if (!entries.TryGetValue(name, out var entry))
        {
            entries[name] = entry = new Entry(name, origin);
            order.Add(entry);
        }
        entry.LastFeature = feature;
        entry.Count++;
    }

    private sealed class Entry(string name, string? origin)
    {
        public string Name { get; } = name;

        public string? Origin { get; } = origin;

        public long Count { get; set; }

        public long LastFeature { get; set; }
    }
}

namespace DigitalTwin.Ui.Backend;

/// <summary>
/// What the layers page asks of the server: GIS staff's view of every layer's versions, loading a file after seeing its
/// report, the differences between two versions, and rolling back. One per circuit (it holds the files of the upload
/// being checked); every call checks on the server that the person is GIS staff or an admin.
/// </summary>
public interface ILayersBackend
{
    /// <summary>The largest upload the server takes (Access:MaxImportBytes), so the page can refuse a larger file before sending it.</summary>
    long MaxUploadBytes { get; }

    /// <summary>Every layer with its versions, newest first.</summary>
    Task<IReadOnlyList<UiLayerHistory>> LayersAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Takes the files (a data file with any sidecars, e.g. a Shapefile's .shx, .dbf, .prj and .cpg) and a mapping file to
    /// a folder of the server's, streamed, never whole in memory; then reads them as the import would, without loading
    /// anything (a dry run), and returns the validation report. Replaces any upload checked before on this page.
    /// </summary>
    Task<UiImportCheck> CheckImportAsync(UiImportRequest request, IReadOnlyList<UiUploadFile> files, UiUploadFile? mapping,
        IProgress<UiProgress>? progress, CancellationToken cancellationToken);

    /// <summary>
    /// Loads the upload last checked, as it was checked, as the layer's next version: refused (STALE_LAYER) when another
    /// version serves now than the one it was checked against, and rejected, leaving the serving version, if it fails a check.
    /// </summary>
    Task<UiImportCheck> CommitImportAsync(IProgress<UiProgress>? progress, CancellationToken cancellationToken);

    /// <summary>Forgets the upload checked (its files are deleted).</summary>
    Task DiscardImportAsync();

    /// <summary>What changed between two versions of a layer: counts, and a page of the objects that differ (kinds: added, removed, moved, changed; none: all).</summary>
    Task<UiLayerDiff> DiffAsync(string layer, int from, int to, IReadOnlyList<string>? kinds, string? after, int first, CancellationToken cancellationToken);

    /// <summary>Serves an earlier version again, as a new version that copies it, while <paramref name="expectedVersion"/> serves (else STALE_LAYER).</summary>
    Task<UiRollback> RollBackAsync(string layer, int toVersion, int expectedVersion, CancellationToken cancellationToken);
}

/// <summary>A file chosen in the browser: its name, size, and how to read it (once).</summary>
public sealed record UiUploadFile(string Name, long Size, Func<Stream> Open);

/// <summary>How far a long step is: upload (bytes), check or load (features), of a total when known.</summary>
public sealed record UiProgress(string Phase, long Done, long? Total = null, double? Fraction = null);

/// <summary>What to load and how: the layer, its kind, replace (default), append or update, and the importer's options.</summary>
public sealed record UiImportRequest(string Layer, string Kind)
{
    public string Mode { get; init; } = "replace";

    public string? Crs { get; init; }

    public bool MakeValid { get; init; }

    public bool SkipInvalid { get; init; }

    public string? Where { get; init; }

    public string? Select { get; init; }

    public string? SourceLayer { get; init; }
}

/// <summary>
/// An import's outcome: whether the file passed every check (<see cref="Accepted"/>), whether it now serves (<see cref="Committed"/>,
/// as <see cref="Version"/>), and its report. A check names the version it was checked against (<see cref="CheckedAgainst"/>, null for a new layer).
/// </summary>
public sealed record UiImportCheck(bool Accepted, bool Committed, int? Version, string File, string SourceFormat, string SourceCrs, UiImportReport Report,
    int? CheckedAgainst);

/// <summary>The validation report, as the command line prints it: counts, the first problems with their feature numbers, the fields, notes.</summary>
public sealed record UiImportReport(long FeaturesRead, long Loaded, int Errors, int Repaired, int Warnings, int Skipped, long Filtered, long Kept, long Replaced,
    IReadOnlyList<UiImportProblem> Problems, IReadOnlyDictionary<string, int> ReasonCounts, IReadOnlyList<UiFieldUse> Fields, IReadOnlyList<string> Notes,
    string? Reprojection);

public sealed record UiImportProblem(long Feature, string? SourceId, string Severity, string Reason);

/// <summary>A field of the file and what became of it: mapped to domain fields, kept in the source attributes, or ignored and why.</summary>
public sealed record UiFieldUse(string Field, long? Features, IReadOnlyList<string> MappedTo, string? Ignored);

/// <summary>A layer and every version it kept, newest first.</summary>
public sealed record UiLayerHistory(string Name, string Kind, IReadOnlyList<UiLayerVersion> Versions)
{
    public UiLayerVersion? Serving => Versions.FirstOrDefault(v => v.Serving);
}

/// <summary>
/// One version of a layer: where it came from (a file's name or a service), format, CRS, objects, who loaded it and
/// when, how it was made (replace, append, update, rollback; <see cref="BasedOn"/> the version it built on or copies),
/// and while it served.
/// </summary>
public sealed record UiLayerVersion(int Version, string Source, string Format, string Crs, int Objects, int Skipped, int Repaired, string LoadedBy,
    DateTimeOffset LoadedAt, DateTimeOffset ServedFrom, DateTimeOffset? ServedUntil, bool Serving, string Mode, int? BasedOn, string? Filter);

/// <summary>Counts of all the differences between two versions, and a page of them.</summary>
public sealed record UiLayerDiff(UiDiffCounts Counts, IReadOnlyList<UiLayerChange> Changes, string? EndCursor, bool HasNextPage);

public sealed record UiDiffCounts(long Added, long Removed, long Moved, long Changed, long Unchanged);

/// <summary>One object that differs: kinds (added, removed, moved, changed), metres moved, the fields changed, geometry before and after (GeoJSON, WGS84).</summary>
public sealed record UiLayerChange(string SourceId, IReadOnlyList<string> Kinds, double? Moved, IReadOnlyList<UiFieldChange> Fields, string? Before, string? After);

/// <summary>A field whose value differs; values as JSON text.</summary>
public sealed record UiFieldChange(string Field, bool Attribute, string Before, string After);

/// <summary>A roll back done: the new version, the one it copies, and its objects.</summary>
public sealed record UiRollback(int Version, int Restored, long Objects);

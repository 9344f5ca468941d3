using DigitalTwin.Importers.Mapping;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>The kinds of layer, and what geometry each allows.</summary>
internal enum LayerKind { Parcel, Building, Asset, Area, Contract, Subcontract }

/// <summary>What one import is asked to do.</summary>
/// <param name="File">A file (a FileGDB folder), or the URL of a WFS or OGC API Features service.</param>
/// <param name="Layer">The layer to load into.</param>
/// <param name="Kind">What the layer holds.</param>
internal sealed record ImportOptions(string File, string Layer, LayerKind Kind)
{
    /// <summary>The layer of a source with more than one (a GeoPackage table, a GML feature type, a WFS type name); wins over the mapping's table.</summary>
    public string? SourceLayer { get; init; }

    /// <summary>Read through GDAL even a format a native reader reads.</summary>
    public bool ViaGdal { get; init; }

    /// <summary>Make no new version when the content and settings are those of the serving version (a sync); the result says unchanged.</summary>
    public bool SkipIfUnchanged { get; init; }

    /// <summary>The settings the source is read with (mapping, CRS), folded into the version's checksum so that a changed mapping is a change.</summary>
    public string? SettingsFingerprint { get; init; }

    /// <summary>Only the features this expression is true for (<see cref="Filtering.WhereClause"/>), as ogr2ogr's -where.</summary>
    public string? Where { get; init; }

    /// <summary>Only these source attributes are taken, as ogr2ogr's -select; null for all.</summary>
    public IReadOnlyList<string>? Select { get; init; }

    /// <summary>
    /// The version (its layer_versions id; 0 for none) the file was checked against in a dry run: the import commits
    /// only while that version still serves (the layers page's check, then load). Null: over whatever serves.
    /// </summary>
    public int? ServingWhenChecked { get; init; }

    /// <summary>Replace the layer, or append to or update its serving version.</summary>
    public ImportMode Mode { get; init; } = ImportMode.Replace;

    public string? Crs { get; init; }
    public LayerMapping Mapping { get; init; } = LayerMapping.Conventional;
    public string? Encoding { get; init; }
    public bool DryRun { get; init; }
    public bool MakeValid { get; init; }
    public bool SkipInvalid { get; init; }
    public string? ReportFile { get; init; }
    public string LoadedBy { get; init; } = Environment.UserName;

    /// <summary>Test hook: fail after this many features have been written, as a crash mid-import would.</summary>
    internal long? FailAfterFeatures { get; init; }

    public static string KindName(LayerKind kind) => kind.ToString().ToLowerInvariant();
}

/// <summary>What an import did.</summary>
internal sealed record ImportResult(bool Committed, int? Version, ImportReport Report, string SourceFormat, string SourceCrs, TimeSpan Elapsed)
{
    /// <summary>Where the time went: load (read, map, COPY), checks (keys, references), index and switch.</summary>
    public IReadOnlyList<(string Phase, TimeSpan Time)> Phases { get; init; } = [];

    /// <summary>Whether the file passed every check (true for a committed import, and for a dry run that would commit).</summary>
    public bool Accepted { get; init; }

    /// <summary>Nothing had changed since the serving version (<see cref="Version"/>), so no version was made (<see cref="ImportOptions.SkipIfUnchanged"/>).</summary>
    public bool Unchanged { get; init; }
}

/// <summary>An import that cannot go on at all (no file, bad CRS, kind mismatch); nothing was changed.</summary>
internal class ImportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The layer has a version other than the one the import or roll back was meant to replace (<see cref="ImportOptions.ServingWhenChecked"/>):
/// someone else loaded one meanwhile. Nothing was changed.
/// </summary>
internal sealed class StaleLayerException(string message) : ImportException(message);

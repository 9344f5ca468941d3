using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// One feature as read from a source file, before mapping and reprojection.
/// </summary>
/// <param name="Number">1-based position of the feature in the file, used in every report line.</param>
/// <param name="Geometry">The geometry in the source CRS, 2D; null when the feature has none or it could not be read.</param>
/// <param name="Attributes">Source attributes by field name (case as in the file); values are string, long, double, bool, DateTime or null.</param>
/// <param name="GeometryError">Why the geometry could not be read, when it could not.</param>
internal sealed record SourceFeature(
    long Number,
    Geometry? Geometry,
    IReadOnlyDictionary<string, object?> Attributes,
    string? GeometryError = null);

/// <summary>
/// A field of a source file as its reader hands it on: features carry its values under <see cref="Name"/> in their
/// <see cref="SourceFeature.Attributes"/>, unless the reader ignores it (and then says why).
/// </summary>
/// <param name="Name">The attribute name; the file's own name unless <paramref name="Origin"/> says otherwise.</param>
/// <param name="Features">How many features have it, where features list their own fields (GeoJSON); null where every
/// feature has every field (the columns of a table).</param>
/// <param name="Origin">Where the name comes from when it is not the file's own: a repeated name made unique, a blank
/// header named, the feature's own id kept beside a property of the same name.</param>
/// <param name="Ignored">Why the values are not handed on, for what the reader leaves out; null when they are.</param>
internal sealed record SourceField(string Name, long? Features = null, string? Origin = null, string? Ignored = null);

/// <summary>
/// A coordinate reference system as a source file declares it: an EPSG code when known, else the WKT as written (.prj, GeoPackage).
/// </summary>
internal sealed record SourceCrs(int? Epsg, string? Wkt)
{
    public static SourceCrs FromEpsg(int epsg) => new(epsg, null);

    public override string ToString() => Epsg is { } code ? $"EPSG:{code}" : "WKT";
}

/// <summary>
/// A file of features read forward only, one feature at a time, so that memory stays flat on files of any size.
/// </summary>
internal interface IFeatureSource : IDisposable
{
    /// <summary>Short format name for reports and layer metadata: GeoJSON, Shapefile, GeoPackage, CSV.</summary>
    string Format { get; }

    /// <summary>The CRS the file declares, or null when it declares none (the caller then needs --crs, or assumes WGS84 for GeoJSON).</summary>
    SourceCrs? Crs { get; }

    /// <summary>Where the file declares its CRS ("its .prj"), for the report when --crs overrides it; null when it declares none.</summary>
    string? CrsDeclaredIn { get; }

    /// <summary>
    /// Every field of the file, in the order first seen: for a table its columns, for GeoJSON the union over all its
    /// features (found by a first pass), so that a field the first features lack is still mapped. Known on opening.
    /// </summary>
    IReadOnlyList<SourceField> Fields { get; }

    /// <summary>Fraction of the input consumed so far (0..1) for progress, or null when unknown.</summary>
    double? Progress { get; }

    /// <summary>What the reader says about the source as a whole once it is read (GDAL's warnings), for the report.</summary>
    IReadOnlyList<string> Notes => [];

    /// <summary>
    /// A checksum of the content once every feature is read, for a source that is no single file (a service, a FileGDB
    /// folder); null where the file's own checksum serves.
    /// </summary>
    string? ContentChecksum => null;

    /// <summary>Reads the features in file order. Called once.</summary>
    IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken);
}

/// <summary>A source file that cannot be read at all; the message names the file and the problem.</summary>
internal sealed class SourceFormatException(string message, Exception? inner = null) : Exception(message, inner);

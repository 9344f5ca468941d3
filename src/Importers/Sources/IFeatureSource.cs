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

    /// <summary>Fraction of the input consumed so far (0..1) for progress, or null when unknown.</summary>
    double? Progress { get; }

    /// <summary>Reads the features in file order. Called once.</summary>
    IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken);
}

/// <summary>A source file that cannot be read at all; the message names the file and the problem.</summary>
internal sealed class SourceFormatException(string message, Exception? inner = null) : Exception(message, inner);

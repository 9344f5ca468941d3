using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// Moves geometries from one CRS to another, a batch at a time, so that the same pipeline serves ProjNet in process and
/// PostGIS over a round trip. Made by <see cref="CrsCatalog.CreateReprojectorAsync"/>.
/// </summary>
internal interface IReprojector : IAsyncDisposable
{
    int SourceSrid { get; }

    int TargetSrid { get; }

    /// <summary>How it reprojects and why, for the import report: "ProjNet (within 0.2 mm of PostGIS's ST_Transform ...)".</summary>
    string Method { get; }

    /// <summary>How many geometries are worth gathering for one call: 1 in process, a thousand for a round trip.</summary>
    int BatchSize { get; }

    /// <summary>
    /// Reprojected copies, in order, with the target SRID; null for a geometry that cannot be reprojected (outside the
    /// projection's domain). The inputs are left as they were.
    /// </summary>
    ValueTask<Geometry?[]> TransformAsync(IReadOnlyList<Geometry> geometries, CancellationToken cancellationToken);
}

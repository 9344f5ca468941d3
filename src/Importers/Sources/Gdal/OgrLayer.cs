namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// A layer of a GDAL data source as <c>ogrinfo -so</c> describes it, before any feature is read: the driver, the CRS
/// (WKT with its EPSG authority where GDAL knows one), the fields of the layer's schema (GDAL's schema is the union of
/// the fields of all features), how many features it says there are, and the column that holds its feature ids where
/// the format names one (GeoPackage's fid, FileGDB's OBJECTID).
/// </summary>
internal sealed record OgrLayer(
    string Name,
    string Driver,
    string? CrsWkt,
    IReadOnlyList<OgrField> Fields,
    IReadOnlyList<string> GeometryColumns,
    long? FeatureCount,
    string? FidColumn);

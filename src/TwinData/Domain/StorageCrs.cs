namespace DigitalTwin.Data.Domain;

/// <summary>
/// The CRS every geometry is stored in: EPSG:3035, ETRS89-extended / LAEA Europe, an equal-area projection in metres
/// for all of Europe, so that areas, distances within a city and grid cells come out right in one CRS whatever the
/// city (the reasons are in docs/decisions.md). SQL names the same CRS as <c>twin_storage_srid()</c>
/// (migration 0013); a test checks that the two agree.
/// </summary>
public static class StorageCrs
{
    public const int Srid = 3035;

    /// <summary>As GDAL and our own reports write it.</summary>
    public const string Name = "EPSG:3035";
}

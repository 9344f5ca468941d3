using System.IO.Compression;
using DigitalTwin.Importers.Sources.Gdal;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Opens a source with the reader it calls for: our own readers for GeoJSON, Shapefile, GeoPackage and CSV (faster
/// than GDAL's, and they say more about a file's faults), GDAL for every other format and for layer services.
/// </summary>
internal static class FeatureSources
{
    /// <summary>The extensions the native readers read; any other goes to GDAL.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".geojson", ".json", ".shp", ".zip", ".gpkg", ".csv", ".txt"];

    /// <exception cref="SourceFormatException">The file is missing, of an unknown kind, or cannot be read.</exception>
    public static IFeatureSource Open(string path, SourceOptions options)
    {
        if (ServiceUrl.IsService(path)) return GdalSource.OpenService(ServiceUrl.Parse(path), options.Table);
        // A FileGDB is a folder (name.gdb); GDAL reads it, or its zip (name.gdb.zip).
        if (Directory.Exists(path) && path.TrimEnd('/').EndsWith(".gdb", StringComparison.OrdinalIgnoreCase)) return GdalSource.OpenFile(path, options.Table);
        if (Directory.Exists(path)) throw new SourceFormatException($"{path}: is a folder; give the file to import.");
        if (!File.Exists(path)) throw new SourceFormatException($"{path}: no such file.");
        if (options.ViaGdal || path.EndsWith(".gdb.zip", StringComparison.OrdinalIgnoreCase)) return GdalSource.OpenFile(path, options.Table);
        var encoding = options.Encoding is null ? null
            : CodePages.TryParse(options.Encoding) ?? throw new SourceFormatException($"--encoding {options.Encoding}: not a text encoding this machine knows (try UTF-8, 1252, ISO-8859-1).");
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".geojson" or ".json" => GeoJsonSource.Open(path),
            ".shp" => ShapefileSource.Open(path, encoding),
            ".zip" => ZippedShapefile.Open(path, encoding),
            ".gpkg" => GeoPackageSource.Open(path, options.Table),
            ".csv" or ".txt" or ".tsv" => CsvSource.Open(path, options),
            ".dbf" or ".shx" or ".prj" or ".cpg" => throw new SourceFormatException($"{path}: give the .shp of the shapefile, not its {Path.GetExtension(path)}."),
            // FlatGeobuf, GML, KML, GeoJSONSeq, MapInfo, DXF, ...: whatever GDAL reads; it says so when it cannot.
            _ => GdalSource.OpenFile(path, options.Table),
        };
    }
}

/// <summary>
/// A shapefile delivered as a .zip: its files are extracted to a temporary folder, read from there, and deleted with it.
/// </summary>
internal static class ZippedShapefile
{
    public static IFeatureSource Open(string path, System.Text.Encoding? encoding)
    {
        string directory;
        string shp;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var shapefiles = zip.Entries.Where(e => e.FullName.EndsWith(".shp", StringComparison.OrdinalIgnoreCase) && !e.FullName.StartsWith("__MACOSX", StringComparison.Ordinal)).ToList();
            if (shapefiles.Count != 1)
            {
                throw new SourceFormatException(shapefiles.Count == 0
                    ? $"{path}: the zip holds no .shp (it holds: {(zip.Entries.Count == 0 ? "nothing" : string.Join(", ", zip.Entries.Take(10).Select(e => e.FullName)))})."
                    : $"{path}: the zip holds {shapefiles.Count} shapefiles ({string.Join(", ", shapefiles.Select(e => e.FullName))}); unzip it and import one .shp at a time.");
            }
            var stem = shapefiles[0].FullName[..^4];
            directory = Directory.CreateTempSubdirectory("twin-shp-").FullName;
            foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith(stem + ".", StringComparison.OrdinalIgnoreCase) && e.FullName.LastIndexOf('.') == stem.Length))
            {
                entry.ExtractToFile(Path.Combine(directory, Path.GetFileName(stem) + Path.GetExtension(entry.FullName).ToLowerInvariant()));
            }
            shp = Path.Combine(directory, Path.GetFileName(stem) + ".shp");
        }
        catch (InvalidDataException e)
        {
            throw new SourceFormatException($"{path}: not a readable zip file: {e.Message}", e);
        }
        try
        {
            return new Extracted(ShapefileSource.Open(shp, encoding), directory);
        }
        catch (SourceFormatException e)
        {
            Directory.Delete(directory, recursive: true);
            throw new SourceFormatException($"{path}: {e.Message.Replace(directory + Path.DirectorySeparatorChar, "", StringComparison.Ordinal)}", e);
        }
    }

    /// <summary>The shapefile read from the temporary folder, which goes with it.</summary>
    private sealed class Extracted(ShapefileSource inner, string directory) : IFeatureSource
    {
        public string Format => inner.Format;

        public SourceCrs? Crs => inner.Crs;

        public string? CrsDeclaredIn => inner.CrsDeclaredIn;

        public IReadOnlyList<SourceField> Fields => inner.Fields;

        public double? Progress => inner.Progress;

        public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken) => inner.ReadFeatures(cancellationToken);

        public void Dispose()
        {
            inner.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }
}

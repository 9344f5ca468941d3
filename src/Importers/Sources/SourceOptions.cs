namespace DigitalTwin.Importers.Sources;

/// <summary>What the caller knows about a source file that the file may not say itself.</summary>
internal sealed record SourceOptions
{
    /// <summary>The text encoding of a .dbf or CSV (UTF-8, 1252, ISO-8859-1, ...); wins over .cpg and language-driver byte.</summary>
    public string? Encoding { get; init; }

    /// <summary>The GeoPackage feature table, or the layer of a source GDAL reads; needed when the source has more than one.</summary>
    public string? Table { get; init; }

    /// <summary>Read the file through GDAL even where a native reader would (to compare the two, or for a file ours refuses).</summary>
    public bool ViaGdal { get; init; }

    /// <summary>The CSV column holding WKT geometry.</summary>
    public string? WktColumn { get; init; }

    /// <summary>The CSV column holding x (easting or longitude).</summary>
    public string? XColumn { get; init; }

    /// <summary>The CSV column holding y (northing or latitude).</summary>
    public string? YColumn { get; init; }

    /// <summary>The file is a plain table (a CSV of organisations, say): attributes only, no geometry column looked for.</summary>
    public bool NoGeometry { get; init; }

    /// <summary>A table whose rows may stand without geometry (subcontracts): no geometry column found is no error.</summary>
    public bool GeometryOptional { get; init; }
}

using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// Any vector format GDAL reads (FlatGeobuf, GML, KML, GeoJSONSeq, MapInfo TAB and MIF, DXF, FileGDB, ...) and layer
/// services (WFS, OGC API Features), streamed through <c>ogr2ogr</c>: GDAL writes the layer as GeoJSON to its standard
/// output, one feature a line, in the source's own CRS, and the features are handed on as they arrive. Nothing is
/// converted to a temporary copy of the whole file, and memory stays flat.
/// </summary>
/// <remarks>
/// <para>The CRS is the source's own (from <c>ogrinfo</c>, as WKT with GDAL's EPSG authority), not WGS84: the importer
/// then checks every feature against the CRS's area of use and reprojects it as it does a native file, within a
/// centimetre of PostGIS, and the layer records the CRS the data came in.</para>
/// <para>The fields are the layer's schema as GDAL describes it before the first feature, which is the union of the
/// features' fields. Features are numbered in the order GDAL reads them, which is the file's (or the service's), so a
/// report's feature 7 is the source's seventh. When GDAL says how many features the layer has and hands on another
/// number, the import fails rather than load part of the layer; GDAL's warnings are the report's notes.</para>
/// </remarks>
internal sealed class GdalSource : IFeatureSource
{
    private readonly string dataSource;
    private readonly string display;
    private readonly OgrLayer layer;
    private readonly IReadOnlyList<string> openOptions;
    private readonly List<string> notes = [];
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private Process? process;
    private long read;
    private bool finished;

    private GdalSource(string dataSource, string display, OgrLayer layer, IReadOnlyList<string> openOptions, IReadOnlyList<SourceField> fields)
    {
        this.dataSource = dataSource;
        this.display = display;
        this.layer = layer;
        this.openOptions = openOptions;
        Fields = fields;
        Crs = layer.CrsWkt is { } wkt ? new SourceCrs(null, wkt) : null;
    }

    /// <summary>GDAL's driver and the layer read: "GDAL FlatGeobuf", "GDAL WFS (ms:parks)".</summary>
    public string Format => $"GDAL {layer.Driver} ({layer.Name})";

    public SourceCrs? Crs { get; }

    public string? CrsDeclaredIn => Crs is null ? null : $"GDAL's reading of the {layer.Driver} source";

    public IReadOnlyList<SourceField> Fields { get; }

    public double? Progress => finished ? 1 : layer.FeatureCount is { } count and > 0 ? Math.Min(1.0, (double)read / count) : null;

    public IReadOnlyList<string> Notes => notes;

    /// <summary>SHA-256 of what GDAL handed on, once every feature is read: the same data gives the same checksum.</summary>
    public string? ContentChecksum { get; private set; }

    /// <summary>Opens a file (or folder, for a FileGDB) with GDAL.</summary>
    /// <param name="path">The file.</param>
    /// <param name="sourceLayer">The layer to read, for a source that has more than one; null to take the only one.</param>
    /// <exception cref="SourceFormatException">GDAL cannot read it, the layer is not there, or a layer must be chosen.</exception>
    public static GdalSource OpenFile(string path, string? sourceLayer)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        // GML: write no .gfs schema file beside the caller's file.
        IReadOnlyList<string> openOptions = extension is ".gml" or ".xml" ? ["-oo", "WRITE_GFS=NO"] : [];
        return Open(path, path, sourceLayer, openOptions);
    }

    /// <summary>Opens a layer of a WFS or OGC API Features service.</summary>
    /// <exception cref="SourceFormatException">The service cannot be read, the layer is not there, or a layer must be chosen.</exception>
    public static GdalSource OpenService(ServiceUrl url, string? sourceLayer)
    {
        // OGC API Features: pages of a thousand features (GDAL's default is ten).
        IReadOnlyList<string> openOptions = url.Protocol == "OAPIF" ? ["-oo", $"PAGE_SIZE={GdalTools.PageSize}"] : [];
        return Open(url.DataSource, url.Display, sourceLayer, openOptions);
    }

    private static GdalSource Open(string dataSource, string display, string? sourceLayer, IReadOnlyList<string> openOptions)
    {
        try
        {
            return Describe(dataSource, display, sourceLayer, openOptions);
        }
        catch (SourceFormatException e) when (display != dataSource)
        {
            // What GDAL says names the service as GDAL opened it: say it without a password in the URL.
            throw new SourceFormatException(e.Message.Replace(dataSource, display, StringComparison.Ordinal), e);
        }
    }

    private static GdalSource Describe(string dataSource, string display, string? sourceLayer, IReadOnlyList<string> openOptions)
    {
        var layers = OgrInfo.Layers(dataSource, openOptions);
        string name;
        if (sourceLayer is not null)
        {
            name = layers.FirstOrDefault(l => l == sourceLayer)
                ?? throw new SourceFormatException($"{display}: has no layer \"{sourceLayer}\"{Similar(layers, sourceLayer)}; its layers: {List(layers)}.");
        }
        else
        {
            name = layers.Count switch
            {
                1 => layers[0],
                0 => throw new SourceFormatException($"{display}: GDAL finds no layer in it."),
                _ => throw new SourceFormatException($"{display}: has {layers.Count} layers; name one with --source-layer (or \"table\" in the mapping file): {List(layers)}."),
            };
        }
        var described = OgrInfo.Describe(dataSource, name, openOptions);
        // GDAL's layer schema has one field of a name; GeoJSON hands each on under that name.
        // A named FID column (GeoPackage's fid, FileGDB's OBJECTID) is a column of the table, kept as the native readers keep it.
        var names = described.FidColumn is { } fid ? described.Fields.Select(f => f.Name).Prepend(fid) : described.Fields.Select(f => f.Name);
        var fields = names.Distinct(StringComparer.Ordinal).Select(n => new SourceField(n)).ToList();
        foreach (var extra in described.GeometryColumns.Skip(1))
        {
            fields.Add(new SourceField(extra, Ignored: $"a geometry column beside the layer's first, {described.GeometryColumns[0]}; a map object has one geometry"));
        }
        return new GdalSource(dataSource, display, described, openOptions, fields);
    }

    public IEnumerable<SourceFeature> ReadFeatures(CancellationToken cancellationToken)
    {
        if (process is not null) throw new InvalidOperationException("ReadFeatures can be called once.");
        process = GdalTools.Start("ogr2ogr",
        [
            "-f", "GeoJSON", "/vsistdout/", .. openOptions, dataSource, layer.Name,
            // The source's own CRS and every digit; curves (GML, FileGDB arcs) as the lines PostGIS stores.
            "-lco", "RFC7946=NO", "-lco", "WRITE_NAME=NO", "-lco", "WRITE_BBOX=NO", "-nlt", "CONVERT_TO_LINEAR",
            .. (string[])(layer.FidColumn is null ? [] : ["-preserve_fid"]),
        ]);
        return Read(process, cancellationToken);
    }

    private IEnumerable<SourceFeature> Read(Process running, CancellationToken cancellationToken)
    {
        var errors = new StringBuilder();
        var errorReader = Task.Run(async () =>
        {
            while (await running.StandardError.ReadLineAsync(CancellationToken.None) is { } line) lock (errors) errors.AppendLine(line);
        }, CancellationToken.None);
        var factory = new GeometryFactory(new PrecisionModel(), Crs?.Epsg ?? 0);
        var parser = new GeoJsonFeatureLine(factory, layer.FidColumn);
        using var output = new StreamReader(running.StandardOutput.BaseStream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16);
        byte[] buffer = [];
        while (output.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // GDAL's GeoJSON writer puts each feature of the collection on a line of its own, a comma after all but the last.
            if (!line.StartsWith("{ \"type\": \"Feature\"", StringComparison.Ordinal)) continue;
            var text = line.AsSpan().TrimEnd().TrimEnd(',');
            var length = Encoding.UTF8.GetByteCount(text);
            if (buffer.Length < length) buffer = new byte[Math.Max(length, buffer.Length * 2)];
            var bytes = buffer.AsSpan(0, Encoding.UTF8.GetBytes(text, buffer));
            hash.AppendData(bytes);
            hash.AppendData("\n"u8);
            read++;
            Dictionary<string, object?> properties;
            Geometry? geometry;
            string? geometryError;
            try
            {
                (properties, geometry, geometryError) = parser.Read(bytes);
            }
            catch (JsonException e)
            {
                throw new SourceFormatException($"{display}: feature {read}: GDAL handed on something that is not GeoJSON: {e.Message}", e);
            }
            yield return new SourceFeature(read, geometry, properties, geometryError);
        }
        running.WaitForExit();
        errorReader.GetAwaiter().GetResult();
        var messages = GdalTools.Messages(errors.ToString()).ToList();
        if (running.ExitCode != 0)
        {
            throw new SourceFormatException($"{display}: GDAL stopped after {read} features of the layer {layer.Name}: {(messages.Count == 0 ? $"ogr2ogr exited with {running.ExitCode}" : string.Join(" ", messages.Take(5)))}");
        }
        if (layer.FeatureCount is { } expected && expected != read)
        {
            throw new SourceFormatException($"{display}: GDAL says the layer {layer.Name} has {expected} features and handed on {read}; nothing is loaded rather than part of the layer.{(messages.Count == 0 ? "" : " GDAL said: " + string.Join(" ", messages.Take(5)))}");
        }
        notes.AddRange(messages.Take(20).Select(m => $"GDAL: {m}"));
        if (messages.Count > 20) notes.Add($"GDAL: {messages.Count - 20} more messages.");
        ContentChecksum = Convert.ToHexStringLower(hash.GetHashAndReset());
        finished = true;
    }

    public void Dispose()
    {
        if (process is not null)
        {
            try
            {
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile.
            }
            process.Dispose();
        }
        hash.Dispose();
    }

    private static string List(IReadOnlyList<string> layers) => string.Join(", ", layers.Take(30)) + (layers.Count > 30 ? $", ... ({layers.Count} in all)" : "");

    private static string Similar(IReadOnlyList<string> layers, string name) =>
        layers.FirstOrDefault(l => string.Equals(l, name, StringComparison.OrdinalIgnoreCase) || l.EndsWith(":" + name, StringComparison.Ordinal)) is { } near
            ? $" (did you mean \"{near}\"?)" : "";
}

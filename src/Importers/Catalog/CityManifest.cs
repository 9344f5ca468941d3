using System.Text.Json;
using DigitalTwin.Importers.Basemap;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using Npgsql;

namespace DigitalTwin.Importers.Catalog;

/// <summary>
/// A city as one manifest: its organisations and task types, then its layers in order (file, layer, kind, mapping,
/// CRS), and the GeoJSON files of its basemap, as <c>data/sample/sample.json</c> describes the sample city. <see cref="LoadAsync"/> loads it all, each file
/// through the same importers GIS staff use, and stops at the first file that is refused.
/// </summary>
internal sealed record CityManifest(string? Organisations, string? TaskTypes, IReadOnlyList<CityManifest.Layer>? Layers, IReadOnlyList<string>? Basemap)
{
    /// <summary>One layer of the manifest: the file (relative to the manifest), the layer's name and kind, a mapping file, a CRS.</summary>
    public sealed record Layer(string File, [property: System.Text.Json.Serialization.JsonPropertyName("layer")] string Name, string Kind, string? Map, string? Crs);

    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    /// <summary>Reads a manifest; a missing or unreadable one is a <see cref="ManifestException"/> naming the file.</summary>
    public static CityManifest Read(string path)
    {
        if (!File.Exists(path)) throw new ManifestException($"{path}: no such manifest.");
        try
        {
            return JsonSerializer.Deserialize<CityManifest>(File.ReadAllText(path), WebJson)
                ?? throw new ManifestException($"{path}: empty manifest.");
        }
        catch (JsonException e)
        {
            throw new ManifestException($"{path}: not a valid manifest: {e.Message}");
        }
    }

    /// <summary>
    /// Loads every file the manifest at <paramref name="path"/> lists, telling <paramref name="progress"/> a line per
    /// file. A refused file stops the load with a <see cref="ManifestException"/> that carries its problems (for a
    /// catalog file) or its import's result (for a layer); the files loaded before it stay loaded.
    /// </summary>
    public static async Task LoadAsync(NpgsqlDataSource dataSource, string path, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var manifest = Read(path);
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var catalog = new CatalogImporter(dataSource);
        foreach (var (file, kind) in new[] { (manifest.Organisations, CatalogKind.Organisation), (manifest.TaskTypes, CatalogKind.TaskType) })
        {
            if (file is null) continue;
            var report = (await catalog.ImportAsync(Path.Combine(folder, file), kind, dryRun: false, cancellationToken)).Report;
            if (report.Errors > 0) throw new ManifestException($"{file}: rejected with {report.Errors} error(s).") { Problems = [.. report.FirstProblems.Select(p => p.ToString())] };
            progress?.Report($"{file}: {report.Loaded} {(kind == CatalogKind.Organisation ? "organisations" : "task types")}");
        }
        foreach (var layer in manifest.Layers ?? [])
        {
            if (!Enum.TryParse<LayerKind>(layer.Kind, ignoreCase: true, out var kind))
                throw new ManifestException($"{path}: layer {layer.Name} has an unknown kind '{layer.Kind}'.");
            var options = new ImportOptions(Path.Combine(folder, layer.File), layer.Name, kind)
            {
                Crs = layer.Crs,
                Mapping = layer.Map is null ? LayerMapping.Conventional : LayerMapping.Load(Path.Combine(folder, layer.Map)),
                LoadedBy = "sample",
            };
            var result = await new LayerImporter(dataSource).ImportAsync(options, null, cancellationToken);
            if (!result.Committed) throw new ManifestException($"{layer.File}: the layer {layer.Name} was rejected.") { Rejected = (options, result) };
            progress?.Report($"{layer.File}: {result.Report.Loaded} objects → {layer.Name} ({result.SourceFormat}, {result.SourceCrs})");
        }
        await LoadBasemapAsync(dataSource, manifest, folder, progress, cancellationToken);
    }

    /// <summary>Loads only the basemap files of the manifest at <paramref name="path"/> (a city loaded before it had one).</summary>
    public static Task LoadBasemapAsync(NpgsqlDataSource dataSource, string path, IProgress<string>? progress, CancellationToken cancellationToken) =>
        LoadBasemapAsync(dataSource, Read(path), Path.GetDirectoryName(Path.GetFullPath(path))!, progress, cancellationToken);

    private static async Task LoadBasemapAsync(NpgsqlDataSource dataSource, CityManifest manifest, string folder, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        foreach (var file in manifest.Basemap ?? [])
        {
            try
            {
                var count = await BasemapLoader.LoadAsync(dataSource, Path.Combine(folder, file), file, cancellationToken);
                progress?.Report($"{file}: {count} basemap features");
            }
            catch (Exception e) when (e is InvalidDataException or IOException)
            {
                throw new ManifestException(e.Message);
            }
        }
    }
}

/// <summary>A manifest, or a file it lists, that could not be loaded: what is wrong, and the details to show.</summary>
internal sealed class ManifestException(string message) : Exception(message)
{
    /// <summary>The first problems of a refused organisations or task types file.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>A refused layer: what was asked and the import's report.</summary>
    internal (ImportOptions Options, ImportResult Result)? Rejected { get; init; }
}

using System.CommandLine;
using System.Text.Json;
using DigitalTwin.Importers.Catalog;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using Spectre.Console;

namespace DigitalTwin.Importers.Cli;

/// <summary>
/// <c>load-sample MANIFEST</c>: loads a set of files described by a manifest (organisations, task types, then layers in
/// order), as <c>./twin up</c> does with <c>data/sample/sample.json</c>.
/// </summary>
internal static class SampleCommand
{
    internal sealed record Manifest(string? Organisations, string? TaskTypes, IReadOnlyList<ManifestLayer> Layers);

    internal sealed record ManifestLayer(string File, string Layer, string Kind, string? Map, string? Crs);

    public static Command Create()
    {
        var manifest = new Argument<FileInfo>("MANIFEST") { Description = "A JSON manifest: { organisations, taskTypes, layers: [{ file, layer, kind, map, crs }] }." };
        var onlyIfEmpty = new Option<bool>("--only-if-empty") { Description = "Do nothing when any layer is loaded already." };
        var command = new Command("load-sample", "Load every file a manifest lists (the sample city).") { manifest, onlyIfEmpty };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var path = parse.GetValue(manifest)!.FullName;
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            if (parse.GetValue(onlyIfEmpty))
            {
                await using var count = dataSource.CreateCommand("SELECT count(*) FROM layers");
                if ((long)(await count.ExecuteScalarAsync(ct))! > 0)
                {
                    AnsiConsole.MarkupLine("Layers are loaded already; the sample is not loaded again.");
                    return 0;
                }
            }
            return await LoadAsync(dataSource, path, ct);
        }, cancellationToken));
        return command;
    }

    public static Manifest Read(string path)
    {
        if (!File.Exists(path)) throw new CliException($"{path}: no such manifest.");
        try
        {
            return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))
                ?? throw new CliException($"{path}: empty manifest.");
        }
        catch (JsonException e)
        {
            throw new CliException($"{path}: not a valid manifest: {e.Message}");
        }
    }

    public static async Task<int> LoadAsync(Npgsql.NpgsqlDataSource dataSource, string path, CancellationToken cancellationToken)
    {
        var manifest = Read(path);
        var folder = Path.GetDirectoryName(path)!;
        var catalog = new CatalogImporter(dataSource);
        foreach (var (file, kind) in new[] { (manifest.Organisations, CatalogKind.Organisation), (manifest.TaskTypes, CatalogKind.TaskType) })
        {
            if (file is null) continue;
            var report = await catalog.ImportAsync(Path.Combine(folder, file), kind, dryRun: false, cancellationToken);
            if (report.Errors > 0)
            {
                foreach (var problem in report.FirstProblems) AnsiConsole.MarkupLineInterpolated($"  [red]{problem}[/]");
                throw new CliException($"{file}: rejected with {report.Errors} error(s).");
            }
            AnsiConsole.MarkupLineInterpolated($"{file}: {report.Loaded} {(kind == CatalogKind.Organisation ? "organisations" : "task types")}");
        }
        foreach (var layer in manifest.Layers ?? [])
        {
            if (!Enum.TryParse<LayerKind>(layer.Kind, ignoreCase: true, out var kind))
                throw new CliException($"{path}: layer {layer.Layer} has an unknown kind '{layer.Kind}'.");
            var options = new ImportOptions(Path.Combine(folder, layer.File), layer.Layer, kind)
            {
                Crs = layer.Crs,
                Mapping = layer.Map is null ? LayerMapping.Conventional : LayerMapping.Load(Path.Combine(folder, layer.Map)),
                LoadedBy = "sample",
            };
            var result = await new LayerImporter(dataSource).ImportAsync(options, null, cancellationToken);
            if (!result.Committed)
            {
                ImportCommand.PrintLayerReport(options, result);
                throw new CliException($"{layer.File}: the sample layer {layer.Layer} was rejected.");
            }
            AnsiConsole.MarkupLineInterpolated($"{layer.File}: {result.Report.Loaded} objects → {layer.Layer} ({result.SourceFormat}, {result.SourceCrs})");
        }
        return 0;
    }
}

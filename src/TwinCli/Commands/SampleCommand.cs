using System.CommandLine;
using DigitalTwin.Importers.Basemap;
using DigitalTwin.Importers.Catalog;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary>
/// <c>load-sample MANIFEST</c>: loads a set of files described by a manifest (organisations, task types, then layers in
/// order, then the basemap), as <c>./twin up</c> does with <c>data/sample/sample.json</c>.
/// </summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var manifest = new Argument<FileInfo>("MANIFEST") { Description = "A JSON manifest: { organisations, taskTypes, layers: [{ file, layer, kind, map, crs }] }." };
        var onlyIfEmpty = new Option<bool>("--only-if-empty") { Description = "Do nothing when any layer is loaded already." };
        var command = new Command("load-sample", "Load every file a manifest lists (the sample city).") { manifest, onlyIfEmpty };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            if (parse.GetValue(onlyIfEmpty))
            {
                await using var count = dataSource.CreateCommand("SELECT count(*) FROM layers");
                if ((long)(await count.ExecuteScalarAsync(ct))! > 0)
                {
                    AnsiConsole.MarkupLine("Layers are loaded already; the sample is not loaded again.");
                    // A city loaded before the sample had a basemap gets it now.
                    if (!await BasemapLoader.IsLoadedAsync(dataSource, ct))
                    {
                        await LoadAsync(() => CityManifest.LoadBasemapAsync(dataSource, parse.GetValue(manifest)!.FullName, new Lines(AnsiConsole.WriteLine), ct));
                    }
                    return 0;
                }
            }
            await LoadAsync(() => CityManifest.LoadAsync(dataSource, parse.GetValue(manifest)!.FullName, new Lines(AnsiConsole.WriteLine), ct));
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>Runs a load; a refused file is printed with its problems and ends the command.</summary>
    private static async Task LoadAsync(Func<Task> load)
    {
        try
        {
            await load();
        }
        catch (ManifestException e)
        {
            foreach (var problem in e.Problems) AnsiConsole.MarkupLineInterpolated($"  [red]{problem}[/]");
            if (e.Rejected is var (options, result)) ImportCommand.PrintLayerReport(options, result);
            throw new CliException(e.Message);
        }
    }
}

/// <summary>Progress lines written as they come (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
internal sealed class Lines(Action<string> write) : IProgress<string>
{
    public void Report(string value) => write(value);
}

using System.CommandLine;
using DigitalTwin.Importers.Pipeline;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary><c>drop-layer NAME</c>: removes a layer with every version it kept, in one transaction.</summary>
internal static class DropLayerCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("NAME") { Description = "The layer to remove." };
        var command = new Command("drop-layer", "Remove a layer and all its versions (past dates can no longer be answered from it).") { name };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            var versions = await LayerDropper.DropAsync(dataSource, parse.GetValue(name)!, ct);
            if (versions < 0) throw new CliException($"There is no layer {parse.GetValue(name)}. ./twin layers lists them.");
            await CliDatabase.AuditAsync(dataSource, "layer-dropped", $"layer:{parse.GetValue(name)}", new { versions }, ct);
            AnsiConsole.MarkupLineInterpolated($"Dropped {parse.GetValue(name)} and its {versions} version(s).");
            return 0;
        }, cancellationToken));
        return command;
    }
}

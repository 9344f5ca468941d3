using System.CommandLine;
using DigitalTwin.Cli.Commands;

namespace DigitalTwin.Cli;

/// <summary>
/// The administrator's command line (./twin import, sync, layers, drop-layer, key, user; ./twin up runs migrate and
/// load-sample). Benchmarks, case seeding and the demo's set-up are bench/TwinBench's.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Piped or logged output gets wide tables rather than 80 squeezed columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;
        var root = new RootCommand("DigitalTwin's administration: layers, keys and users.")
        {
            ImportCommand.Create(),
            SyncCommand.Create(),
            LayersCommand.Create(),
            DropLayerCommand.Create(),
            MigrateCommand.Create(),
            SampleCommand.Create(),
            KeyCommand.Create(),
            UserCommand.Create(),
        };
        return root.Parse(args).InvokeAsync();
    }
}

using System.CommandLine;
using DigitalTwin.Importers.Cli;

namespace DigitalTwin.Importers;

/// <summary>The importer's command line; <c>./twin import</c>, <c>./twin layers</c> and <c>./twin up</c> call it.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Piped or logged output gets wide tables rather than 80 squeezed columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;
        var root = new RootCommand("DigitalTwin layer import for GIS staff.")
        {
            ImportCommand.Create(),
            SampleCommand.Create(),
            LayersCommand.Create(),
            MigrateCommand.Create(),
            BenchImportCommand.Create(),
            DropLayerCommand.Create(),
            BenchLookupCommand.Create(),
            BenchTilesCommand.Create(),
            BenchIntakeCommand.Create(),
            SeedCasesCommand.Create(),
            BenchReportsCommand.Create(),
            KeyCommand.Create(),
            UserCommand.Create(),
            DemoCommand.CreateSetup(),
            DemoCommand.CreatePost(),
        };
        return root.Parse(args).InvokeAsync();
    }
}

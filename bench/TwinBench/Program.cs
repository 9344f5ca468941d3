using System.CommandLine;
using DigitalTwin.Bench.Benches;
using DigitalTwin.Bench.Demo;
using DigitalTwin.Bench.Seeding;

namespace DigitalTwin.Bench;

/// <summary>
/// The benchmarks (./twin bench ...), each side by side with its baseline in the same run, case seeding
/// (./twin seed cases) and the demo's set-up (./twin up --demo). They are clients of the server, through one harness.
/// </summary>
internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Piped or logged output gets wide tables rather than 80 squeezed columns.
        if (Console.IsOutputRedirected) Spectre.Console.AnsiConsole.Profile.Width = 200;
        var root = new RootCommand("DigitalTwin's benchmarks, case seeding and demo set-up.")
        {
            BenchImportCommand.Create(),
            BenchLookupCommand.Create(),
            BenchTilesCommand.Create(),
            MapPageCommand.Create(),
            BenchIntakeCommand.Create(),
            BenchReportsCommand.Create(),
            BenchFailoverCommand.Create(),
            BenchScaleCommand.Create(),
            SeedCasesCommand.Create(),
            DemoCommand.CreateSetup(),
            DemoCommand.CreatePost(),
        };
        return root.Parse(args).InvokeAsync();
    }
}

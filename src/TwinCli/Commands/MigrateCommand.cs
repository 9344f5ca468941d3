using System.CommandLine;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary><c>migrate</c>: apply pending database migrations (every other command does so too).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations.");
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            AnsiConsole.MarkupLine("The database is up to date.");
            return 0;
        }, cancellationToken));
        return command;
    }
}

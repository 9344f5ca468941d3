using DigitalTwin.Data.Database;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Harness;

/// <summary>The database a bench works on (TWIN_DATABASE_URL, migrated), and the error handling every bench command shares.</summary>
internal static class BenchDatabase
{
    /// <param name="cancellationToken">Stops the migration check.</param>
    /// <param name="sessionOptions">Session settings, e.g. the server's (for a baseline to run as the server's queries do).</param>
    public static async Task<NpgsqlDataSource> OpenAsync(CancellationToken cancellationToken, string? sessionOptions = null)
    {
        try
        {
            return await ToolDatabase.OpenAsync("twin-bench", sessionOptions, cancellationToken);
        }
        catch (ToolDatabaseException e)
        {
            throw new BenchException(e.Message);
        }
    }

    /// <summary>Runs a bench command's body: clear messages and exit codes rather than stack traces.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
            return 130;
        }
        catch (Exception e) when (e is BenchException or ArgumentException or IOException or Importers.Pipeline.ImportException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 2;
        }
        catch (NpgsqlException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]database error:[/] {(e is PostgresException p ? $"{p.MessageText} ({p.SqlState})" : e.Message)}");
            return 2;
        }
    }
}

/// <summary>A bench that cannot go on, for a reason the person running it can fix; printed as is.</summary>
internal sealed class BenchException(string message) : Exception(message);

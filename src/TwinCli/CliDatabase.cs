using DigitalTwin.Data.Database;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Cli;

/// <summary>The database the CLI works on (TWIN_DATABASE_URL), migrated before use.</summary>
internal static class CliDatabase
{
    /// <param name="cancellationToken">Stops the migration check.</param>
    public static async Task<NpgsqlDataSource> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await ToolDatabase.OpenAsync("twin-import", null, cancellationToken);
        }
        catch (ToolDatabaseException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>The local operator's change, in the audit log.</summary>
    public static Task AuditAsync(NpgsqlDataSource dataSource, string action, string subject, object detail, CancellationToken ct) =>
        Data.Access.AuditWriter.WriteAsync(dataSource, $"cli:{Environment.UserName}", "operator", action, subject, detail, null, ct);

    /// <summary>A moment from a listing's column, as the listings show it (empty for none).</summary>
    public static string When(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? "" : reader.GetFieldValue<DateTimeOffset>(ordinal).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs a command body with the error handling every command shares: clear messages, exit codes.</summary>
    public static async Task<int> RunAsync(Func<CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        try
        {
            return await body(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            AnsiConsole.MarkupLine("[yellow]Cancelled: nothing was changed.[/]");
            return 130;
        }
        catch (Exception e) when (e is CliException or ArgumentException or Importers.Pipeline.ImportException or Importers.Mapping.MappingException or Importers.Sources.SourceFormatException
                                      or Data.Database.MigrationException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 2;
        }
        catch (NpgsqlException e)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]database error:[/] {(e is PostgresException p ? $"{p.MessageText} ({p.SqlState})" : e.Message)}. Nothing was changed.");
            return 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {e.Message}");
            return 2;
        }
    }
}

/// <summary>A problem the user can fix; printed as is, without a stack trace.</summary>
internal sealed class CliException(string message) : Exception(message);

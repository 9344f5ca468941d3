using DigitalTwin.Data.Database;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Importers.Cli;

/// <summary>The database the CLI works on (TWIN_DATABASE_URL), migrated before use.</summary>
internal static class CliDatabase
{
    /// <param name="cancellationToken">Stops the migration check.</param>
    /// <param name="sessionOptions">Session settings, e.g. the server's (for a benchmark's baseline to run as the server's queries do).</param>
    public static async Task<NpgsqlDataSource> OpenAsync(CancellationToken cancellationToken, string? sessionOptions = null)
    {
        var url = Environment.GetEnvironmentVariable(TwinDatabase.UrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new CliException($"{TwinDatabase.UrlVariable} is not set. Run through ./twin (it starts the database), or set it to a PostGIS database.");
        }
        ConnectionBudget budget;
        try
        {
            budget = ConnectionBudget.FromEnvironment();
        }
        catch (System.ComponentModel.DataAnnotations.ValidationException e)
        {
            throw new CliException($"the connection budget is not valid: {e.Message}");
        }
        var dataSource = TwinDatabase.CreateDataSource(url, "twin-import", sessionOptions, pool: budget.Importer);
        try
        {
            await Migrator.MigrateAsync(dataSource, cancellationToken);
        }
        catch (PostgresException e)
        {
            await dataSource.DisposeAsync();
            throw new CliException($"the database refused a migration: {e.MessageText} ({e.SqlState}).");
        }
        catch (NpgsqlException e)
        {
            await dataSource.DisposeAsync();
            throw new CliException($"cannot reach the database ({e.Message}). Is it running? ./twin up starts it.");
        }
        return dataSource;
    }

    /// <summary>The local operator's change, in the audit log.</summary>
    public static async Task AuditAsync(NpgsqlDataSource dataSource, string action, string subject, object detail, CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("INSERT INTO audit_log (actor, role, action, subject, detail) VALUES ($1, 'operator', $2, $3, $4::jsonb)");
        command.Parameters.AddWithValue($"cli:{Environment.UserName}");
        command.Parameters.AddWithValue(action);
        command.Parameters.AddWithValue(subject);
        command.Parameters.AddWithValue(System.Text.Json.JsonSerializer.Serialize(detail));
        await command.ExecuteNonQueryAsync(ct);
    }

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
        catch (Exception e) when (e is CliException or Pipeline.ImportException or Mapping.MappingException or Sources.SourceFormatException
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

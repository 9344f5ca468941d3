using Npgsql;

namespace DigitalTwin.Data.Database;

/// <summary>
/// The database a tool works on (the command line, a benchmark, the demo's set-up): the one named by
/// <c>TWIN_DATABASE_URL</c>, with the tools' share of the connection budget, migrated before use. What goes wrong is
/// a <see cref="ToolDatabaseException"/> with a message for the person at the terminal.
/// </summary>
public static class ToolDatabase
{
    /// <param name="applicationName">How the tool's connections are named in pg_stat_activity, e.g. twin-import.</param>
    /// <param name="sessionOptions">Session settings, e.g. the server's (for a benchmark's baseline to run as the server's queries do).</param>
    /// <param name="cancellationToken">Stops the migration check.</param>
    public static async Task<NpgsqlDataSource> OpenAsync(string applicationName, string? sessionOptions, CancellationToken cancellationToken)
    {
        var url = Environment.GetEnvironmentVariable(TwinDatabase.UrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            throw new ToolDatabaseException($"{TwinDatabase.UrlVariable} is not set. Run through ./twin (it starts the database), or set it to a PostGIS database.");
        }
        ConnectionBudget budget;
        try
        {
            budget = ConnectionBudget.FromEnvironment();
        }
        catch (System.ComponentModel.DataAnnotations.ValidationException e)
        {
            throw new ToolDatabaseException($"the connection budget is not valid: {e.Message}");
        }
        try
        {
            // Migrated first, through a data source of its own: the tool's then learns the types the migrations made
            // (geometry in an empty database), on every host when the URL names a primary and its standbys.
            await Migrator.MigrateAsync(url, cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new ToolDatabaseException($"the database refused a migration: {e.MessageText} ({e.SqlState}).");
        }
        catch (NpgsqlException e)
        {
            throw new ToolDatabaseException($"cannot reach the database ({e.Message}). Is it running? ./twin up starts it.");
        }
        return TwinDatabase.CreateDataSource(url, applicationName, sessionOptions, pool: budget.Importer);
    }
}

/// <summary>The tool's database cannot be used: why, in words for the person at the terminal.</summary>
public sealed class ToolDatabaseException(string message) : Exception(message);

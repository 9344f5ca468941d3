using System.ComponentModel.DataAnnotations;
using DigitalTwin.Data.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Database;

/// <summary>Where the database is: <c>Database:Url</c> in configuration, or the TWIN_DATABASE_URL environment variable.</summary>
internal sealed class DatabaseOptions
{
    [Required(ErrorMessage = "No database is configured: set TWIN_DATABASE_URL (./twin up does) or Database:Url.")]
    public string? Url { get; set; }

    /// <summary>Apply pending migrations at start-up (on by default; turn off where a deployment migrates separately).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>What a 503 tells the caller when the database is away or out of connections: try again after this many seconds.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;

    /// <summary>
    /// When the URL names a primary and its standbys: send the responsibility look-ups (the generic-plan pool) to a
    /// standby when one answers (Npgsql's <c>prefer-standby</c>), and to the primary otherwise. Look-ups then go on
    /// while the primary is lost, and leave its CPU to the writes; they may see a change committed on the primary a
    /// moment late (the standby's replay lag, milliseconds when healthy; docs/operations.md). Off by default.
    /// </summary>
    public bool LookupsFromStandby { get; set; }
}

internal static class DatabaseExtensions
{
    /// <summary>
    /// The key of a second pool for the hot, fixed-shape statements (the responsibility lookup): generic plans
    /// (<see cref="TwinDatabase.GenericPlanSessionOptions"/>), and no session reset when a connection goes back to
    /// the pool, since those statements leave no session state behind. Queries with optional filters stay on the
    /// default pool, where a plan for the values at hand can use the index that fits them.
    /// </summary>
    public const string GenericPlans = "generic-plans";

    public static void AddTwinDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection("Database"))
            .PostConfigure(o => o.Url ??= builder.Configuration[TwinDatabase.UrlVariable])
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ConnectionBudget>()
            .Bind(builder.Configuration.GetSection(ConnectionBudget.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
            TwinDatabase.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Url!, "twin-server", TwinDatabase.ServerSessionOptions,
                // The server's code leaves no session state behind (locks are released, settings are SET LOCAL): a
                // connection needs no reset between uses, which cost as much as a small query each time.
                noResetOnClose: true, pool: sp.GetRequiredService<IOptions<ConnectionBudget>>().Value.Server));
        builder.Services.AddKeyedSingleton(GenericPlans, (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            return TwinDatabase.CreateDataSource(options.Url!, "twin-server-lookup",
                TwinDatabase.GenericPlanSessionOptions, noResetOnClose: true, pool: sp.GetRequiredService<IOptions<ConnectionBudget>>().Value.Lookup,
                target: options.LookupsFromStandby ? "prefer-standby" : null);
        });
    }

    /// <summary>
    /// Compares the connection budget with the database (max_connections, superuser_reserved_connections) and refuses
    /// to start when it does not fit: a pool larger than the database allows fails only under load.
    /// </summary>
    public static async Task CheckConnectionBudgetAsync(this WebApplication app)
    {
        var budget = app.Services.GetRequiredService<IOptions<ConnectionBudget>>().Value;
        await using var command = app.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int");
        await using var reader = await command.ExecuteReaderAsync(app.Lifetime.ApplicationStopping);
        await reader.ReadAsync(app.Lifetime.ApplicationStopping);
        var (maxConnections, superuserReserved) = (reader.GetInt32(0), reader.GetInt32(1));
        if (budget.Misfit(maxConnections, superuserReserved) is { } misfit)
        {
            Log.BudgetDoesNotFit(app.Logger, misfit);
            throw new InvalidOperationException(misfit);
        }
        Log.BudgetFits(app.Logger, budget.Servers, budget.ServerPool, budget.LookupPool, budget.ImporterPool, superuserReserved, budget.AdminReserve,
            budget.Needed(superuserReserved), maxConnections);
    }

    /// <summary>
    /// Applies pending migrations through a data source of their own, before the server's pools first connect: they then
    /// learn the types the migrations made (geometry, in an empty database) on every host of a primary and its standbys.
    /// </summary>
    public static async Task MigrateTwinDatabaseAsync(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (!options.MigrateOnStart) return;
        var applied = await Migrator.MigrateAsync(options.Url!, app.Lifetime.ApplicationStopping);
        if (applied.Count > 0) Log.MigrationsApplied(app.Logger, applied.Count, string.Join(", ", applied));
    }
}

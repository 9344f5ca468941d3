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
        builder.Services.AddSingleton(sp =>
            TwinDatabase.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Url!, "twin-server", TwinDatabase.ServerSessionOptions,
                // The server's code leaves no session state behind (locks are released, settings are SET LOCAL): a
                // connection needs no reset between uses, which cost as much as a small query each time.
                noResetOnClose: true));
        builder.Services.AddKeyedSingleton(GenericPlans, (sp, _) =>
            TwinDatabase.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Url!, "twin-server-lookup",
                TwinDatabase.GenericPlanSessionOptions, noResetOnClose: true));
    }

    public static async Task MigrateTwinDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart) return;
        var applied = await Migrator.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);
        if (applied.Count > 0) Log.MigrationsApplied(app.Logger, applied.Count, string.Join(", ", applied));
    }
}

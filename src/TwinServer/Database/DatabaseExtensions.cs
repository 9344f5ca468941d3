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
    /// The server answers many small questions: a parallel plan's worker start-up (tens of ms) would cost more than
    /// the whole index look-up it parallelises, and the planner picks one when a spatial estimate is rough.
    /// </summary>
    public const string ServerSessionOptions = "-c max_parallel_workers_per_gather=0";

    public static void AddTwinDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .Bind(builder.Configuration.GetSection("Database"))
            .PostConfigure(o => o.Url ??= builder.Configuration[TwinDatabase.UrlVariable])
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp =>
            TwinDatabase.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Url!, "twin-server", ServerSessionOptions));
    }

    public static async Task MigrateTwinDatabaseAsync(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.MigrateOnStart) return;
        var applied = await Migrator.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);
        if (applied.Count > 0) Log.MigrationsApplied(app.Logger, applied.Count, string.Join(", ", applied));
    }
}

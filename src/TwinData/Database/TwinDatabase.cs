using Npgsql;

namespace DigitalTwin.Data.Database;

/// <summary>
/// Opens the project's PostGIS database: one <see cref="NpgsqlDataSource"/> per process, with NetTopologySuite types.
/// </summary>
public static class TwinDatabase
{
    /// <summary>The environment variable that names the database, as a postgres:// URL or an Npgsql connection string.</summary>
    public const string UrlVariable = "TWIN_DATABASE_URL";

    /// <param name="connectionStringOrUrl">A postgres:// URL or an Npgsql connection string.</param>
    /// <param name="applicationName">How the sessions show in pg_stat_activity.</param>
    /// <param name="sessionOptions">Server settings for every session (libpq's options), unless the connection string sets its own.</param>
    public static NpgsqlDataSource CreateDataSource(string connectionStringOrUrl, string applicationName = "twin", string? sessionOptions = null)
    {
        var builder = new NpgsqlDataSourceBuilder(ToConnectionString(connectionStringOrUrl));
        if (sessionOptions is not null && string.IsNullOrEmpty(builder.ConnectionStringBuilder.Options)) builder.ConnectionStringBuilder.Options = sessionOptions;
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        // The same few statements run over and over (the resolver's, the catalog's): let Npgsql prepare them.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0) builder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        builder.UseNetTopologySuite();
        return builder.Build();
    }

    /// <summary>
    /// Accepts both <c>postgres://user:password@host:port/database?sslmode=...</c> and Npgsql's <c>Host=...;Database=...</c>.
    /// </summary>
    public static string ToConnectionString(string connectionStringOrUrl)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionStringOrUrl);
        var text = connectionStringOrUrl.Trim();
        if (!text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            && !text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new NpgsqlConnectionStringBuilder(text).ConnectionString;
        }

        var uri = new Uri(text);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = string.IsNullOrEmpty(uri.Host) ? "127.0.0.1" : uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
        }
        return builder.ConnectionString;
    }
}

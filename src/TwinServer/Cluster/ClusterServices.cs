using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Cluster;

/// <summary>
/// What lets several server nodes share one database with nothing of their own that matters: the key ring of sessions
/// and forms in the database, and word between the nodes (live inboxes, revoked keys and users) over LISTEN/NOTIFY.
/// </summary>
public static class ClusterServices
{
    /// <summary>The key of the data source of the node's one listening connection, apart from the pools.</summary>
    public const string ListeningSource = "cluster-listener";

    /// <summary>
    /// What sessions and forms are protected for: the same on every node. (ASP.NET's default is the folder the server
    /// runs from, which differs between machines and would make each node refuse the others' cookies.)
    /// </summary>
    public const string ApplicationName = "DigitalTwin";

    public static IServiceCollection AddTwinCluster(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddKeyedSingleton(ListeningSource, (sp, _) =>
        {
            var budget = sp.GetRequiredService<IOptions<ConnectionBudget>>().Value;
            // One connection, held for the node's life; its statements are a LISTEN and a ping, so a short command timeout.
            return TwinDatabase.CreateDataSource(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Url!, "twin-server-listener", TwinDatabase.ServerSessionOptions,
                pool: new PoolSettings(ConnectionBudget.ListeningConnections, budget.AcquireTimeoutSeconds, 10, 0));
        });
        services.AddSingleton<ClusterSignals>().AddHostedService(sp => sp.GetRequiredService<ClusterSignals>());

        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRing(sp.GetRequiredService<NpgsqlDataSource>())));
        return services;
    }

    /// <summary>
    /// The shared key ring has a key before anything of this node asks for one (after the migrations, before the host
    /// starts): the first node to get here makes it, the others find it.
    /// </summary>
    public static Task ShareKeyRingAsync(this WebApplication app) => SharedKeyRing.EnsureKeyAsync(app.Services, app.Lifetime.ApplicationStopping);
}

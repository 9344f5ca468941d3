using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace DigitalTwin.Server.Cluster;

/// <summary>
/// ASP.NET Core's data-protection key ring in PostgreSQL (<c>data_protection_keys</c>, migration 0024), so that every
/// node signs and reads the session cookie and the antiforgery tokens with the same keys: a person signed in through
/// one node is signed in on all of them, and a form served by one node can be posted to another.
/// </summary>
/// <remarks>
/// ASP.NET reads the ring when a node first needs it and again every 24 hours, and makes a new key two days before the
/// current one expires (keys last 90 days), activated only when the old one ends: every node has read it by then.
/// The keys are stored as ASP.NET writes them, not encrypted: they are secrets in the database (see the migration).
/// </remarks>
internal sealed class DatabaseKeyRing(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY id");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read()) elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ($1, $2)");
        command.Parameters.AddWithValue(friendlyName);
        command.Parameters.AddWithValue(element.ToString(SaveOptions.DisableFormatting));
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Makes the ring's first key (or a new one when every key has expired) once for all nodes, under an advisory lock:
/// nodes that start together on an empty ring would otherwise each make a key of their own (ASP.NET loads the ring as
/// it starts), and for a while each would refuse the others' cookies. Runs before the host starts, after the migrations.
/// </summary>
internal static partial class SharedKeyRing
{
    private const long AdvisoryLockKey = 0x7477696e_6b657973; // "twinkeys"

    /// <summary>How long a key made here serves (ASP.NET's default).</summary>
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    public static async Task EnsureKeyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SharedKeyRing));
        try
        {
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(cancellationToken);
            await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock($1)", connection))
            {
                take.Parameters.AddWithValue(AdvisoryLockKey);
                await take.ExecuteNonQueryAsync(cancellationToken);
            }
            try
            {
                var keys = services.GetRequiredService<IKeyManager>();
                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                if (!keys.GetAllKeys().Any(k => !k.IsRevoked && k.ActivationDate <= now && k.ExpirationDate > now))
                {
                    var key = keys.CreateNewKey(now, now + Lifetime);
                    LogKeyMade(logger, key.KeyId, key.ExpirationDate);
                }
            }
            finally
            {
                await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock($1)", connection);
                release.Parameters.AddWithValue(AdvisoryLockKey);
                await release.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not a reason to stay down: ASP.NET makes a key itself when it needs one, and nodes read each other's within minutes.
            LogKeyRingUnchecked(logger, e);
        }
    }

    [LoggerMessage(6010, LogLevel.Information, "Made the shared key ring's key {KeyId} for sessions and forms, valid until {Expires}.")]
    private static partial void LogKeyMade(ILogger logger, Guid keyId, DateTimeOffset expires);

    [LoggerMessage(6011, LogLevel.Warning, "Could not check the shared key ring at start-up; ASP.NET makes a key when it needs one.")]
    private static partial void LogKeyRingUnchecked(ILogger logger, Exception e);
}

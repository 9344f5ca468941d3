using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Tiles;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Cluster;

/// <summary>
/// Word between the server nodes that share one database, through PostgreSQL's LISTEN/NOTIFY: one long-lived
/// connection per node, of its own (not from the pools), listening on <see cref="CasesChannel"/> (cases changed on
/// another node: this node's open inboxes reload), <see cref="AccessChannel"/> (a key or a user changed anywhere,
/// told by migration 0024's triggers: this node forgets what it remembered of them) and <see cref="LayersChannel"/>
/// (a layer's serving version or the basemap changed, told by migration 0030's triggers: the tiles forget which
/// versions serve; they remember them only while this node listens).
/// </summary>
/// <remarks>
/// A node tells the others of its case changes after their commit, at most once per <see cref="CaseChanges.Quiet"/>
/// (<see cref="CaseChanges"/> coalesces), on a pooled connection; its notice carries its <see cref="NodeId"/>, so that
/// it does not take its own word again. NOTIFY is not in the intake's transaction on purpose: every transaction that
/// notifies takes one database-wide lock at its commit, so 500 intakes a second would queue on it; a notice per node
/// and quarter second costs nothing. The price is that a node killed between a commit and its notice tells no one;
/// the inboxes then reload within <see cref="ClusterOptions.FallbackRefreshSeconds"/>. When the database goes away
/// the listener tries again, half a second after the loss and then twice as long each time (at most
/// <see cref="ClusterOptions.MaxReconnectSeconds"/>); when it listens again it acts as if every notice had come, since
/// any may have been missed. Nothing here stops the server: a lost connection, a notice it cannot read or a failing
/// subscriber is logged and lived through.
/// </remarks>
public sealed partial class ClusterSignals(
    [FromKeyedServices(ClusterServices.ListeningSource)] NpgsqlDataSource listening, NpgsqlDataSource dataSource, CaseChanges cases, ApiKeys keys, Users users,
    TileStore tiles, IOptions<ClusterOptions> options, ILogger<ClusterSignals> logger) : BackgroundService
{
    public const string CasesChannel = "twin_cases";
    public const string AccessChannel = "twin_access";
    public const string LayersChannel = "twin_layers";

    private static readonly TimeSpan FirstReconnect = TimeSpan.FromMilliseconds(500);

    private long heard, listens;
    private int failures;
    private volatile bool announceFailing;

    /// <summary>This process among the nodes: what its notices carry.</summary>
    public string NodeId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Notices taken from other nodes or from the database's triggers since the start.</summary>
    public long Heard => Interlocked.Read(ref heard);

    /// <summary>How many times the node began to listen: 1 after the start, one more after each reconnect.</summary>
    public long Listens => Interlocked.Read(ref listens);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        cases.Announce = AnnounceAsync;
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(settings, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Not hearing of layer changes, the tiles ask which version serves at every tile.
                tiles.Listening = false;
                // The database restarted, failed over or dropped the connection: say so once, and try again.
                if (failures == 0) LogListenerLost(logger, e.GetType().Name, e.Message);
                failures++;
            }
            var wait = TimeSpan.FromTicks(Math.Min(FirstReconnect.Ticks << Math.Min(failures - 1, 16), TimeSpan.FromSeconds(settings.MaxReconnectSeconds).Ticks));
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Listens until the connection fails (an exception) or the server stops.</summary>
    private async Task ListenAsync(ClusterOptions settings, CancellationToken stoppingToken)
    {
        await using var connection = await listening.OpenConnectionAsync(stoppingToken);
        connection.Notification += OnNotification;
        await using (var listen = new NpgsqlCommand($"LISTEN {CasesChannel}; LISTEN {AccessChannel}; LISTEN {LayersChannel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        // From here every change of a layer is heard (and the tiles forget what they knew from before).
        tiles.Listening = true;
        if (Interlocked.Increment(ref listens) > 1)
        {
            // Whatever was told while this node was not listening is lost: act as if each notice had come.
            LogListeningAgain(logger, failures);
            MissedSome();
        }
        failures = 0;
        var check = TimeSpan.FromSeconds(settings.ListenerCheckSeconds);
        var fallback = TimeSpan.FromSeconds(settings.FallbackRefreshSeconds);
        var lastRefresh = TimeProvider.System.GetTimestamp();
        while (true)
        {
            if (!await connection.WaitAsync(check, stoppingToken))
            {
                // Idle: is the database still there? A connection that died silently is found here, not never.
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
            if (TimeProvider.System.GetElapsedTime(lastRefresh) >= fallback)
            {
                // A notice lost (its node killed between commit and notice) leaves no inbox stale for longer than this.
                cases.RaiseFromElsewhere();
                lastRefresh = TimeProvider.System.GetTimestamp();
            }
        }
    }

    private void OnNotification(object sender, NpgsqlNotificationEventArgs notice)
    {
        try
        {
            switch (notice.Channel)
            {
                case CasesChannel when notice.Payload == NodeId:
                    return; // this node's own word: its inboxes heard at the change
                case CasesChannel:
                    Interlocked.Increment(ref heard);
                    cases.RaiseFromElsewhere();
                    return;
                case AccessChannel:
                    Interlocked.Increment(ref heard);
                    // The trigger names the table; anything else (a notice by hand) forgets both, which is always safe.
                    if (notice.Payload != "users") keys.Forget();
                    if (notice.Payload != "api_keys") users.Forget();
                    return;
                case LayersChannel:
                    Interlocked.Increment(ref heard);
                    tiles.Forget();
                    return;
            }
        }
        catch (Exception e)
        {
            LogNoticeFailed(logger, e, notice.Channel, notice.Payload.Length > 100 ? notice.Payload[..100] : notice.Payload);
        }
    }

    private void MissedSome()
    {
        keys.Forget();
        users.Forget();
        cases.RaiseFromElsewhere();
    }

    /// <summary>Tells the other nodes that cases changed here: one NOTIFY on a pooled connection. Never throws.</summary>
    private async Task AnnounceAsync()
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT pg_notify($1, $2)");
            command.Parameters.AddWithValue(CasesChannel);
            command.Parameters.AddWithValue(NodeId);
            await command.ExecuteNonQueryAsync();
            if (announceFailing)
            {
                announceFailing = false;
                LogAnnouncingAgain(logger);
            }
        }
        catch (Exception e)
        {
            // The other nodes' inboxes catch up at their listener's reconnect or their fallback refresh.
            if (!announceFailing) LogAnnounceFailed(logger, e.GetType().Name, e.Message);
            announceFailing = true;
        }
    }

    [LoggerMessage(6001, LogLevel.Warning, "This node stopped hearing from the other nodes ({Kind}: {Reason}); it listens again as soon as the database answers.")]
    private static partial void LogListenerLost(ILogger logger, string kind, string reason);

    [LoggerMessage(6002, LogLevel.Information, "This node hears from the other nodes again (after {Failures} failed attempt(s)); open inboxes reload and cached keys and users are asked again.")]
    private static partial void LogListeningAgain(ILogger logger, int failures);

    [LoggerMessage(6003, LogLevel.Warning, "A notice on {Channel} could not be taken ({Payload}); it is skipped.")]
    private static partial void LogNoticeFailed(ILogger logger, Exception e, string channel, string payload);

    [LoggerMessage(6004, LogLevel.Warning, "This node could not tell the others that cases changed ({Kind}: {Reason}); their inboxes catch up within their fallback refresh.")]
    private static partial void LogAnnounceFailed(ILogger logger, string kind, string reason);

    [LoggerMessage(6005, LogLevel.Information, "This node tells the other nodes of its case changes again.")]
    private static partial void LogAnnouncingAgain(ILogger logger);
}

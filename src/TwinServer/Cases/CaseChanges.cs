namespace DigitalTwin.Server.Cases;

/// <summary>
/// Tells the open inboxes that cases changed (an intake, a forward, a delivery, a status from a contractor), so that
/// the handler's view updates without a reload: the inboxes of this node at once, and those of every other node over
/// the database (<see cref="Cluster.ClusterSignals"/>: NOTIFY twin_cases after the commit, LISTEN on each node).
/// </summary>
/// <remarks>
/// Bursts are coalesced: however many changes come, <see cref="Changed"/> is raised at most once per
/// <see cref="Quiet"/> on a node (the first change of a quiet spell at once, the rest in one raise at its end), and this
/// node tells the others at most as often. Intake at 500 posts a second thus reloads each open inbox 4 times a second,
/// not 500, and costs the intake path no statement: <see cref="Raise"/> only sets a flag. A notice can be lost (a node
/// killed between its commit and its notice, a listening connection down); the listener then raises once when it is
/// back, and every <see cref="Cluster.ClusterOptions.FallbackRefreshSeconds"/> regardless, so an inbox is never stale
/// for longer than that.
/// </remarks>
public sealed partial class CaseChanges(ILogger<CaseChanges> logger) : IDisposable
{
    // Pacing is wall-clock time, not the case's time: a test that moves the server's TimeProvider must not stop the
    // inboxes from hearing.
    private static readonly TimeProvider time = TimeProvider.System;

    /// <summary>The least time between two raises on one node.</summary>
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(250);

    private readonly Lock gate = new();
    private ITimer? timer;
    private bool scheduled, announce;
    private long lastRaised = long.MinValue;

    /// <summary>Raised on the thread pool, never on the thread that made the change.</summary>
    public event Action? Changed;

    /// <summary>
    /// Set by the node's listener: tells the other nodes that cases changed here. Called at most once per
    /// <see cref="Quiet"/>; it must not throw.
    /// </summary>
    internal Func<Task>? Announce { get; set; }

    /// <summary>Cases changed on this node (after the commit): every open inbox, here and on the other nodes, reloads.</summary>
    public void Raise() => Mark(tellOthers: true);

    /// <summary>Cases changed on another node, or may have while this node was not listening: the inboxes of this node reload.</summary>
    internal void RaiseFromElsewhere() => Mark(tellOthers: false);

    private void Mark(bool tellOthers)
    {
        lock (gate)
        {
            announce |= tellOthers;
            if (scheduled) return;
            scheduled = true;
            var since = lastRaised == long.MinValue ? Quiet : time.GetElapsedTime(lastRaised);
            var due = since >= Quiet ? TimeSpan.Zero : Quiet - since;
            timer ??= time.CreateTimer(_ => Flush(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            // Zero would run the callback on this thread's timer queue at once; a tick keeps it on the thread pool.
            timer.Change(due > TimeSpan.Zero ? due : TimeSpan.FromTicks(1), Timeout.InfiniteTimeSpan);
        }
    }

    private void Flush()
    {
        bool tellOthers;
        lock (gate)
        {
            scheduled = false;
            tellOthers = announce;
            announce = false;
            lastRaised = time.GetTimestamp();
        }
        // Each subscriber on its own: one that throws does not keep the others from hearing.
        foreach (var subscriber in Changed?.GetInvocationList() ?? [])
        {
            try
            {
                ((Action)subscriber)();
            }
            catch (Exception e)
            {
                LogSubscriberFailed(logger, e);
            }
        }
        if (tellOthers && Announce is { } tell) _ = tell();
    }

    public void Dispose()
    {
        lock (gate) timer?.Dispose();
    }

    [LoggerMessage(2201, LogLevel.Warning, "An open inbox failed to take word of changed cases.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception e);
}

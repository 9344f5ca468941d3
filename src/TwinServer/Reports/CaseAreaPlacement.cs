using DigitalTwin.Server.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Reports;

/// <summary>
/// Keeps <c>case_areas</c> (migration 0009) whole: after an area layer is imported, its new version is placed for every
/// case once, in the background, and a sweep every few minutes places any case whose intake was still open when a
/// version was marked. New cases are queued by their insert and placed from the queue every second (migration 0026:
/// off the intake's statement; reports count the queued ones by their points); moved cases are placed again by a
/// trigger as they move. A report by district or area that finds a serving version not yet placed waits for the
/// placement, which no request's timeout cuts short.
/// </summary>
public sealed class CaseAreaPlacement(NpgsqlDataSource dataSource, IOptions<ReportOptions> options, ILogger<CaseAreaPlacement> logger) : BackgroundService
{
    /// <summary>A placement over a large history after an import takes what it takes, but not for ever.</summary>
    private static readonly TimeSpan PlacementTimeout = TimeSpan.FromHours(1);

    private readonly Lock gate = new();
    private readonly CancellationTokenSource stopping = new();
    private Task? running;

    /// <summary>Returns once every serving area layer version is placed (a placement under way is joined, not repeated).</summary>
    public async Task EnsurePlacedAsync(CancellationToken cancellationToken)
    {
        // A placement under way may have begun before the layer asked about was imported: look again after it.
        while (true)
        {
            await using var command = dataSource.CreateCommand(SqlResources.Get("Reports/placement_done.sql"));
            if (await command.ExecuteScalarAsync(cancellationToken) is true) return;
            await PlaceAsync().WaitAsync(cancellationToken);
        }
    }

    private Task PlaceAsync()
    {
        lock (gate)
        {
            if (running is null || running.IsCompleted) running = Task.Run(RefreshAsync);
            return running;
        }
    }

    private async Task RefreshAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var command = dataSource.CreateCommand("SELECT case_areas_refresh()");
        // Longer than a request's statement may run (nothing waits on it but reports), and no request's cancellation
        // cuts it short: only the server's stopping does.
        command.CommandTimeout = (int)PlacementTimeout.TotalSeconds;
        await command.ExecuteNonQueryAsync(stopping.Token);
        if (clock.Elapsed > TimeSpan.FromSeconds(1)) Log.CasesPlaced(logger, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Places the queued new cases every <see cref="ReportOptions.QueueSweepMilliseconds"/>, whatever goes wrong in one round.</summary>
    private async Task PlaceQueuedAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMilliseconds(Math.Max(50, options.Value.QueueSweepMilliseconds));
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var command = dataSource.CreateCommand("SELECT case_areas_place_pending()");
                // A queue grown long (a history loaded with COPY) is placed in one go, however long that takes.
                command.CommandTimeout = (int)PlacementTimeout.TotalSeconds;
                await command.ExecuteScalarAsync(stoppingToken);
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database away, most likely: said once, not every second; reports count the queue meanwhile.
                if (failures++ == 0) Log.PlacementFailed(logger, e, every.TotalSeconds);
            }
            await Task.Delay(every, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = Task.Run(() => PlaceQueuedAsync(stoppingToken), CancellationToken.None);
        try
        {
            await SweepAsync(stoppingToken);
        }
        finally
        {
            await queue;
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromSeconds(Math.Max(1, options.Value.PlacementSweepSeconds));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PlaceAsync().WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever went wrong (the database away, most likely), the sweep stays: an exception out of a hosted
                // service would stop the server.
                Log.PlacementFailed(logger, e, every.TotalSeconds);
            }
            await Task.Delay(every, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // A host may stop its services again after disposing them (WebApplicationFactory's Dispose after its
        // DisposeAsync): there is nothing left to cancel then, and throwing would fail the host's shutdown.
        if (!disposed) await stopping.CancelAsync();
        await base.StopAsync(cancellationToken);
    }

    private bool disposed;

    public override void Dispose()
    {
        disposed = true;
        stopping.Dispose();
        base.Dispose();
    }
}

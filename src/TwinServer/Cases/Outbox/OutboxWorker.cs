using System.Collections.Concurrent;
using System.Text.Json;
using DigitalTwin.Server.Database;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// Drains the outbox: each worker takes a batch of due deliveries with <c>FOR UPDATE SKIP LOCKED</c> (so that the
/// workers of every server node run side by side, each delivery taken by one), sends them, and records the outcomes in
/// the same transaction. The rows stay locked while they are sent: if the server dies mid-send, its connection closes,
/// the transaction is rolled back and the other nodes' workers (or this one's, after a restart) send the deliveries
/// again, with the same idempotency keys, so the receiver can tell it has them already. A node that stops answering
/// without its connection closing (a frozen process, a machine lost) holds its batch at most
/// <see cref="OutboxOptions.ClaimSeconds"/>: the database then ends its session. Failures wait longer each time;
/// after <see cref="OutboxOptions.MaxAttempts"/> the delivery is dead and the case's timeline says so. What is due and
/// when the next attempt is are read from the <see cref="TimeProvider"/> (the system clock, kept in step by NTP on
/// every node), so that a test can move the clock rather than wait.
/// </summary>
/// <remarks>
/// A delivery that was sent but whose outcome could not be recorded (the primary lost between the send and the
/// commit, a failover, a claim that ran out) is remembered by the node that sent it, recorded as soon as the database
/// answers again, before the node takes anything new, and not taken again by this node's workers meanwhile: a
/// failover does not make the receiver get what it has already. The memory only spares a second send: the row stays
/// pending in the database, so a node that dies with it, or another node that takes the row first, sends it again
/// with its key, as before. So that another node does not take such rows first, a node that lost the database leaves
/// the deliveries that were due before the loss for <see cref="OutboxOptions.ResumeGraceSeconds"/> once it reaches the
/// database again (newer ones go at once): the node that sent them has that long to record them.
/// </remarks>
public sealed partial class OutboxWorker(NpgsqlDataSource dataSource, IEnumerable<IOutboxChannel> channels, IOptions<OutboxOptions> options, CaseChanges changes,
    TimeProvider time, ILogger<OutboxWorker> logger) : BackgroundService
{
    private readonly Dictionary<string, IOutboxChannel> byName = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Sent, the receiver said yes, and not yet recorded: by delivery id (see the remarks).</summary>
    private readonly ConcurrentDictionary<long, Sent> unrecorded = new();

    /// <summary>One worker at a time records what was kept; the others take new work meanwhile.</summary>
    private readonly SemaphoreSlim recording = new(1, 1);

    private sealed record Sent(OutboxDelivery Delivery, Outcome Outcome);

    /// <summary>How often a worker that keeps unrecorded outcomes asks for the database, so that it is back first.</summary>
    private static readonly TimeSpan KeptWait = TimeSpan.FromMilliseconds(250);

    // When this node's workers lost the database, and until when, once it answers again, they leave what was due
    // before then (ticks of the clock's UTC time; 0: none). Shared by the node's workers.
    private long lostAt;
    private long graceUntil;

    /// <summary>How many sent deliveries wait for their outcome to be recorded (for tests and diagnostics).</summary>
    public int Unrecorded => unrecorded.Count;

    /// <summary>The longest a failing worker waits before it tries again (or the poll interval, when that is longer).</summary>
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled) return Task.CompletedTask;
        return Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.Value.Workers)).Select(_ => RunAsync(stoppingToken)));
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var delivered = await DeliverBatchAsync(stoppingToken);
                if (failures > 0) LogWorkerResumed(logger, failures);
                failures = 0;
                if (delivered) continue;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PostgresException e) when (e.SqlState == "25P03") // idle_in_transaction_session_timeout
            {
                LogClaimExpired(logger, options.Value.ClaimSeconds);
                failures++;
            }
            catch (Exception e)
            {
                // Whatever went wrong, the worker stays: an exception out of a hosted service would stop the server.
                // A batch cut off before its outcomes were recorded is rolled back and sent again with its keys.
                // While the database is away, that is said once, not at every attempt.
                if (!Database.DatabaseFaults.Handle(e)) LogWorkerError(logger, e);
                else if (failures == 0) LogDatabaseAway(logger, e.Message);
                failures++;
            }
            // Idle: the poll interval. Failing: twice as long after each failure, up to MaxWait.
            var wait = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
            if (failures > 0) wait = TimeSpan.FromTicks(Math.Min(wait.Ticks << Math.Min(failures, 16), Math.Max(MaxWait.Ticks, wait.Ticks)));
            if (failures > 0 && !unrecorded.IsEmpty && wait > KeptWait) wait = KeptWait;
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Sends a batch of due deliveries (up to <see cref="OutboxOptions.BatchSize"/>, side by side) and records every
    /// outcome in one transaction; false when there was nothing to do. A server that dies mid-batch sends the whole
    /// batch again, each with its key: receivers keep one of each.
    /// </summary>
    public async Task<bool> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await TakeAndSendAsync(cancellationToken);
        }
        catch (Exception e) when (Database.DatabaseFaults.IsUnavailable(e))
        {
            // The first worker to see the loss says when: what was due by then may be in another node's hands.
            Interlocked.CompareExchange(ref lostAt, time.GetUtcNow().UtcTicks, 0);
            Interlocked.Exchange(ref graceUntil, 0);
            throw;
        }
    }

    /// <summary>The oldest next attempt this worker may take now (null: any): after a loss, for a while, only what came due since.</summary>
    private DateTimeOffset? TakeFrom()
    {
        var lost = Interlocked.Read(ref lostAt);
        if (lost == 0) return null;
        var now = time.GetUtcNow();
        var until = Interlocked.Read(ref graceUntil);
        if (until == 0)
        {
            // The database answers again: the grace starts now.
            until = now.AddSeconds(options.Value.ResumeGraceSeconds).UtcTicks;
            Interlocked.CompareExchange(ref graceUntil, until, 0);
            until = Interlocked.Read(ref graceUntil);
        }
        if (now.UtcTicks < until) return new DateTimeOffset(lost, TimeSpan.Zero);
        Interlocked.CompareExchange(ref lostAt, 0, lost);
        return null;
    }

    private async Task<bool> TakeAndSendAsync(CancellationToken cancellationToken)
    {
        if (!unrecorded.IsEmpty && await RecordKeptAsync(cancellationToken)) return true;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand(SqlResources.Get("Cases/Outbox/take_due.sql"), connection, transaction);
        select.Parameters.AddWithValue(Math.Max(1, options.Value.BatchSize));
        select.Parameters.AddWithValue(time.GetUtcNow());
        select.Parameters.AddWithValue(unrecorded.Keys.ToArray());
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)TakeFrom() ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var due = new List<OutboxDelivery>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new OutboxDelivery(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetGuid(5),
                    reader.GetString(6), reader.GetInt32(7), reader.IsDBNull(8) ? options.Value.DefaultWebhookSecret : reader.GetString(8)));
            }
        }
        if (due.Count == 0) return false;
        // The claim ends if this node stops answering mid-batch (its machine lost, its process frozen, its network cut,
        // where no socket closes to tell the database): the session ends and the rows go to the other nodes' workers.
        await using (var claim = new NpgsqlCommand("SELECT set_config('idle_in_transaction_session_timeout', $1, true)", connection, transaction))
        {
            claim.Parameters.AddWithValue($"{options.Value.ClaimSeconds}s");
            await claim.ExecuteNonQueryAsync(cancellationToken);
        }

        var outcomes = await Task.WhenAll(due.Select(d => SendOneAsync(d, cancellationToken)));
        List<(OutboxDelivery Delivery, Outcome Outcome)> batch = [.. due.Zip(outcomes)];
        try
        {
            await RecordAsync(connection, transaction, batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Whether the commit was done is unknown (it may have been, with its answer lost): what the receivers
            // took is kept, and recorded once the database answers, if the rows are still as they were.
            foreach (var (d, o) in batch.Where(b => b.Outcome.Error is null)) unrecorded[d.Id] = new Sent(d, o);
            if (!unrecorded.IsEmpty) LogOutcomesKept(logger, unrecorded.Count);
            throw;
        }
        changes.Raise();
        return true;
    }

    /// <summary>
    /// Records the kept outcomes of deliveries sent before the database went away: those still pending with no attempt
    /// recorded since (locked while recorded); the others were recorded after all, or taken by another node. False
    /// when another worker is at it, or there was nothing to record; throws, keeping them, while the database is away.
    /// </summary>
    private async Task<bool> RecordKeptAsync(CancellationToken cancellationToken)
    {
        if (!await recording.WaitAsync(0, cancellationToken)) return false;
        try
        {
            var kept = unrecorded.Values.ToList();
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var asSent = new HashSet<long>();
            const string AsSent = "SELECT o.id FROM outbox o JOIN unnest($1::bigint[], $2::int[]) AS k (id, attempts) ON k.id = o.id AND k.attempts = o.attempts "
                + "WHERE o.state = 'pending' FOR UPDATE OF o SKIP LOCKED";
            await using (var select = new NpgsqlCommand(AsSent, connection, transaction))
            {
                select.Parameters.AddWithValue(kept.Select(k => k.Delivery.Id).ToArray());
                select.Parameters.AddWithValue(kept.Select(k => k.Delivery.Attempts).ToArray());
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken)) asSent.Add(reader.GetInt64(0));
            }
            var recorded = kept.Where(k => asSent.Contains(k.Delivery.Id)).ToList();
            if (recorded.Count > 0) await RecordAsync(connection, transaction, [.. recorded.Select(k => (k.Delivery, k.Outcome))], cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            foreach (var k in kept) unrecorded.TryRemove(k.Delivery.Id, out _);
            LogOutcomesRecorded(logger, recorded.Count, kept.Count - recorded.Count);
            if (recorded.Count > 0) changes.Raise();
            return recorded.Count > 0;
        }
        finally
        {
            recording.Release();
        }
    }

    private async Task<Outcome> SendOneAsync(OutboxDelivery d, CancellationToken cancellationToken)
    {
        try
        {
            var channel = byName.GetValueOrDefault(d.Channel) ?? throw new UndeliverableException($"there is no channel '{d.Channel}'");
            return new Outcome(await channel.SendAsync(d, cancellationToken), null, false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsUndeliverable(e))
        {
            // No retry can help: the address, URL or payload cannot be sent as it is. Dead at once, with the reason.
            return new Outcome(null, $"undeliverable: {e.Message}", true);
        }
        catch (Exception e)
        {
            // Any other failure (the receiver down, slow or refusing, a network fault, or one nobody foresaw) is
            // recorded against this delivery alone and tried again later; the rest of the batch goes on.
            return new Outcome(null, e is TaskCanceledException or TimeoutException ? $"no answer within {options.Value.TimeoutSeconds} s" : Describe(e), false);
        }
    }

    /// <summary>What one attempt came to: the receiver's id for the case, or the error and whether retrying is pointless.</summary>
    private readonly record struct Outcome(string? ExternalId, string? Error, bool Permanent);

    /// <summary>Failures that a later attempt would meet again, unchanged: values the sender cannot parse.</summary>
    private static bool IsUndeliverable(Exception e) => e is UndeliverableException or ParseException or FormatException or UriFormatException
        or JsonException or KeyNotFoundException or ArgumentException;

    private static string Describe(Exception e) => e.InnerException is { } inner && e is HttpRequestException ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>
    /// The outcomes of a batch, in one statement: each delivery's state (delivered; pending again after a wait that
    /// doubles with each failure; dead after the last attempt), and an event on each case's timeline.
    /// </summary>
    private async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(OutboxDelivery Delivery, Outcome Outcome)> outcomes,
        CancellationToken cancellationToken)
    {
        var rows = outcomes.Select(o =>
        {
            var (d, (externalId, error, permanent)) = o;
            var attempts = d.Attempts + 1;
            var dead = error is not null && (permanent || attempts >= options.Value.MaxAttempts);
            var wait = Math.Min(options.Value.MaxRetrySeconds, options.Value.FirstRetrySeconds * Math.Pow(2, attempts - 1));
            if (error is not null) LogDeliveryFailed(logger, d.Id, d.Recipient, attempts, error);
            var (state, kind, data) = error is null ? ("delivered", "delivered", (object)new { recipient = d.Recipient, channel = d.Channel, attempts, external_id = externalId })
                : dead ? ("dead", "dead-letter", new { recipient = d.Recipient, channel = d.Channel, attempts, error, next_attempt_in_seconds = (double?)null })
                : ("pending", "delivery-failed", new { recipient = d.Recipient, channel = d.Channel, attempts, error, next_attempt_in_seconds = (double?)wait });
            return (d, attempts, state, error, externalId, wait, kind, Data: JsonSerializer.Serialize(data));
        }).ToList();
        await using var record = new NpgsqlCommand(SqlResources.Get("Cases/Outbox/record_outcomes.sql"), connection, transaction);
        record.Parameters.AddWithValue(rows.Select(r => r.d.Id).ToArray());
        record.Parameters.AddWithValue(rows.Select(r => r.attempts).ToArray());
        record.Parameters.AddWithValue(rows.Select(r => r.state).ToArray());
        record.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.error).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        record.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.externalId).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
        record.Parameters.AddWithValue(rows.Select(r => r.wait).ToArray());
        record.Parameters.AddWithValue(rows.Select(r => r.d.CaseId).ToArray());
        record.Parameters.AddWithValue(rows.Select(r => r.kind).ToArray());
        record.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Data).ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Jsonb });
        record.Parameters.AddWithValue(time.GetUtcNow());
        await record.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(2101, LogLevel.Warning, "Delivery {Id} to {Recipient} failed (attempt {Attempts}): {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, long id, string recipient, int attempts, string error);

    [LoggerMessage(2102, LogLevel.Error, "The outbox worker could not take or record a batch; it tries again.")]
    private static partial void LogWorkerError(ILogger logger, Exception e);

    [LoggerMessage(2103, LogLevel.Warning, "The outbox worker cannot reach the database ({Reason}); it keeps trying, and nothing due is lost.")]
    private static partial void LogDatabaseAway(ILogger logger, string reason);

    [LoggerMessage(2105, LogLevel.Warning, "A batch took longer than Outbox:ClaimSeconds ({ClaimSeconds} s) between its statements; the database gave it to the other workers, who send it again with the same keys.")]
    private static partial void LogClaimExpired(ILogger logger, int claimSeconds);

    [LoggerMessage(2106, LogLevel.Warning, "{Count} sent deliveries could not be recorded as delivered; they are recorded once the database answers, not sent again by this node.")]
    private static partial void LogOutcomesKept(ILogger logger, int count);

    [LoggerMessage(2107, LogLevel.Information, "Recorded {Recorded} deliveries sent before the database went away; {Other} were recorded already or taken by another node.")]
    private static partial void LogOutcomesRecorded(ILogger logger, int recorded, int other);

    [LoggerMessage(2104, LogLevel.Information, "The outbox worker reached the database again after {Failures} failed attempt(s).")]
    private static partial void LogWorkerResumed(ILogger logger, int failures);
}

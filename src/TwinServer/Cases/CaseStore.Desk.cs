using DigitalTwin.Data.Database;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Cases;

/// <summary>Working together on the desk: who at the city works a case, and notes that stay inside the city.</summary>
public sealed partial class CaseStore
{
    /// <summary>
    /// Gives an open case (or one sent back) to a person who works cases, the caller or a colleague (named as on the
    /// timeline: <c>user:NAME</c>), or to nobody (<paramref name="handler"/> null), as the version shown: a colleague
    /// who took it meanwhile makes the version stale. The timeline says who gave it to whom.
    /// </summary>
    public async Task AssignHandlerAsync(long caseId, string? handler, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var person = string.IsNullOrWhiteSpace(handler) ? null : handler.Trim();
        RequireWritable(("handler", person));
        try
        {
            await ChangeAsync(caseId, expectedVersion, async (tx, current) =>
            {
                if (current.Status is CaseStatus.Done or CaseStatus.Closed)
                    throw new TwinException(ErrorCodes.BadStatus, $"Case {current.ServiceRequestId} is {current.Status}; reopen it first.");
                await using var command = new NpgsqlCommand(SqlResources.Get("Cases/assign_handler.sql"), tx.Connection, tx.Transaction);
                command.Parameters.AddWithValue(current.Id);
                command.Parameters.Add(new NpgsqlParameter { Value = (object?)person ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            command.Parameters.AddWithValue(actor.Name);
                string? before;
                await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken))
                        throw new TwinException(ErrorCodes.UnknownHandler, $"{person} is not a person who works cases (a handler or admin, not disabled).");
                    before = reader.GetStringOrNull(0);
                }
                if (before == person) throw new NothingToDo();
                await AddEventAsync(tx, current.Id, actor, "handler", new { from = before, to = person }, cancellationToken);
            }, cancellationToken);
        }
        catch (NothingToDo)
        {
            // The case was already with that person: nothing changed, nothing recorded.
        }
    }

    /// <summary>
    /// An internal note on the case's timeline, for the city's own people: never sent to the citizen or the recipient,
    /// never in Open311, and not a change of the case (its version stays; nothing the handler was shown goes stale).
    /// </summary>
    public Task AddNoteAsync(long caseId, string text, Actor actor, CancellationToken cancellationToken)
    {
        var note = Note("note", text, required: true)!;
        return ChangeAsync(caseId, null, (tx, current) => AddEventAsync(tx, current.Id, actor, "note", new { text = note }, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Merges a duplicate (locked by the caller, being closed) into its original: the original is locked too and must
    /// be open, not itself a merged duplicate (no chains), and the duplicate must have no duplicates of its own. The
    /// original's timeline says so. Returns the original as locked.
    /// </summary>
    private static async Task<Case> MergeAsync(Tx tx, Case duplicate, Case original, Actor actor, CancellationToken cancellationToken)
    {
        var locked = await LockAsync(tx.Connection, tx.Transaction, original.Id, cancellationToken);
        if (locked.MergedInto is not null)
            throw new TwinException(ErrorCodes.BadInput, $"Case {locked.ServiceRequestId} is itself a duplicate merged into another case; merge into that one.");
        if (locked.Status is CaseStatus.Done or CaseStatus.Closed)
            throw new TwinException(ErrorCodes.BadStatus, $"Case {locked.ServiceRequestId} is {locked.Status}; close this one as already fixed, or reopen that one first.");
        await using (var count = new NpgsqlCommand("SELECT count(*) FROM cases WHERE merged_into = $1", tx.Connection, tx.Transaction))
        {
            count.Parameters.AddWithValue(duplicate.Id);
            if ((long)(await count.ExecuteScalarAsync(cancellationToken))! > 0)
                throw new TwinException(ErrorCodes.BadInput, $"Case {duplicate.ServiceRequestId} has duplicates merged into it; undo those merges first.");
        }
        await using (var merge = new NpgsqlCommand("UPDATE cases SET merged_into = $2 WHERE id = $1", tx.Connection, tx.Transaction))
        {
            merge.Parameters.AddWithValue(duplicate.Id);
            merge.Parameters.AddWithValue(locked.Id);
            await merge.ExecuteNonQueryAsync(cancellationToken);
        }
        await AddEventAsync(tx, locked.Id, actor, "merged", new { duplicate = duplicate.ServiceRequestId }, cancellationToken);
        return locked;
    }

    /// <summary>
    /// The original is done: each duplicate merged into it takes its note, says so on its timeline, and its reporter
    /// hears of it at the address they left, through the outbox in the same transaction (never lost, never twice).
    /// </summary>
    private static async Task OriginalDoneAsync(Tx tx, Case original, string? note, Actor actor, CancellationToken cancellationToken)
    {
        var duplicates = new List<Case>();
        await using (var find = new NpgsqlCommand($"SELECT {Columns} FROM cases c WHERE c.merged_into = $1 ORDER BY c.id FOR UPDATE", tx.Connection, tx.Transaction))
        {
            find.Parameters.AddWithValue(original.Id);
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken)) duplicates.Add(Read(reader));
        }
        foreach (var duplicate in duplicates)
        {
            await using (var notes = new NpgsqlCommand("UPDATE cases SET status_notes = coalesce($2, status_notes) WHERE id = $1", tx.Connection, tx.Transaction))
            {
                notes.Parameters.AddWithValue(duplicate.Id);
                notes.Parameters.Add(Text(note));
                await notes.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddEventAsync(tx, duplicate.Id, actor, "original-done",
                new { original = original.ServiceRequestId, note, emailed = duplicate.Email is not null }, cancellationToken);
            if (duplicate.Email is { } email) await MessageCitizenAsync(tx, duplicate, email, "done", note, cancellationToken);
        }
    }

    /// <summary>
    /// Undoes a merge: the duplicate is a case of its own again, back in the inbox to be routed, and both timelines
    /// say so. Only a duplicate still merged (closed as a duplicate) can be taken apart.
    /// </summary>
    public Task UnmergeAsync(long caseId, int? expectedVersion, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            if (current.MergedInto is not { } originalId || current.Status != CaseStatus.Closed)
                throw new TwinException(ErrorCodes.BadStatus, $"Case {current.ServiceRequestId} is not a duplicate merged into another case.");
            var original = await LockAsync(tx.Connection, tx.Transaction, originalId, cancellationToken);
            await using (var apart = new NpgsqlCommand(
                "UPDATE cases SET status = 'received', resolution = NULL, merged_into = NULL, assignee = NULL WHERE id = $1", tx.Connection, tx.Transaction))
            {
                apart.Parameters.AddWithValue(current.Id);
                await apart.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddEventAsync(tx, current.Id, actor, "unmerged", new { original = original.ServiceRequestId }, cancellationToken);
            await AddEventAsync(tx, original.Id, actor, "unmerged", new { duplicate = current.ServiceRequestId }, cancellationToken);
        }, cancellationToken);
}

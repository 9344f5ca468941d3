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
                    before = reader.IsDBNull(0) ? null : reader.GetString(0);
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
}

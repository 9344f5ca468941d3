using System.Text.Json;
using DigitalTwin.Data.Database;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// The changes of a case. Each is one transaction that locks the case, checks the version the caller was shown (when
/// it names one: the map always does), makes the change, writes its event and any delivery it causes: a case never
/// goes where its handler did not see it go, and is never recorded as changed without its record.
/// </summary>
public sealed partial class CaseStore
{
    /// <summary>The longest note, reason, question or reply a handler writes.</summary>
    public const int MaxNoteLength = 4000;

    /// <summary>Before a forward, or after a recipient sent it back: the handler routes it.</summary>
    private static bool Routable(string status) => status is CaseStatus.Received or CaseStatus.Assigned or CaseStatus.Rejected;

    private sealed record Tx(NpgsqlConnection Connection, NpgsqlTransaction Transaction);

    /// <summary>Thrown inside a change to undo it and answer that nothing was to be done (a repeated update).</summary>
    private sealed class NothingToDo : Exception;

    /// <summary>
    /// Runs one change: the case locked, the version the caller saw checked (<see cref="TwinException.Stale"/>), the
    /// change, one commit, and word to the open inboxes.
    /// </summary>
    private async Task<T> ChangeAsync<T>(long caseId, int? expectedVersion, Func<Tx, Case, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await LockAsync(connection, transaction, caseId, cancellationToken);
        if (expectedVersion is { } seen && seen != current.Version) throw TwinException.Stale(current, seen);
        var result = await change(new Tx(connection, transaction), current);
        await transaction.CommitAsync(cancellationToken);
        changes.Raise();
        return result;
    }

    private Task<bool> ChangeAsync(long caseId, int? expectedVersion, Func<Tx, Case, Task> change, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            await change(tx, current);
            return true;
        }, cancellationToken);

    /// <summary>A handler's text: trimmed, null when empty, refused when too long or not writable.</summary>
    private static string? Note(string field, string? text, bool required = false)
    {
        var value = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if (value is null)
        {
            return required ? throw new TwinException(field == "reason" ? ErrorCodes.ReasonRequired : ErrorCodes.BadInput, $"Give a {field}.") : null;
        }
        if (value.Length > MaxNoteLength) throw new TwinException(ErrorCodes.BadInput, $"The {field} has {value.Length:N0} characters; at most {MaxNoteLength:N0}.");
        if (TextRules.Problem(field, value) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        return value;
    }

    /// <summary>
    /// Forwards a case through the recipient's channel: the case becomes forwarded and an outbox row is written, in one
    /// transaction. The suggested recipient needs no reason; anyone else does (a conflict's candidate, another
    /// organisation, a recipient that sent the case back), and so does a new recipient or channel for a forward whose
    /// delivery has not arrived: that delivery is cancelled under its lock, so it cannot also be sent.
    /// </summary>
    public Task ForwardAsync(long caseId, ForwardRequest request, Actor actor, CancellationToken cancellationToken)
    {
        RequireWritable(("recipient", request.Recipient), ("channel", request.Channel));
        return ChangeAsync(caseId, request.ExpectedVersion, async (tx, current) =>
        {
            var reforward = current.Status == CaseStatus.Forwarded;
            if (!Routable(current.Status) && !reforward)
            {
                throw new TwinException(ErrorCodes.BadStatus,
                    $"Case {current.ServiceRequestId} is {current.Status}; only a case not yet forwarded, sent back, or whose delivery has not arrived can be forwarded.");
            }
            var to = request.Recipient ?? current.SuggestedTo
                ?? throw new TwinException(ErrorCodes.NoRecipient, $"Case {current.ServiceRequestId} has no suggested recipient; choose one.");
            var note = Note("note", request.Note);
            var reason = Note("reason", request.Reason);
            if (reason is null)
            {
                if (reforward) throw new TwinException(ErrorCodes.ReasonRequired, $"Case {current.ServiceRequestId} is with {current.Assignee}; say why it goes elsewhere.");
                if (current.RejectedBy.Contains(to))
                    throw new TwinException(ErrorCodes.ReasonRequired, $"{to} sent case {current.ServiceRequestId} back as not theirs; say why it goes to them again.");
                if (to != current.SuggestedTo)
                {
                    throw new TwinException(ErrorCodes.ReasonRequired,
                        $"The suggested recipient of case {current.ServiceRequestId} is {current.SuggestedTo ?? "nobody"}; say why it goes to {to} instead.");
                }
            }
            if (reforward && await CancelUndeliveredAsync(tx, current, cancellationToken) is { } delivered)
            {
                throw new TwinException(ErrorCodes.AlreadyDelivered, $"Case {current.ServiceRequestId} reached {delivered} meanwhile; it stays with them.", 409);
            }
            var (kind, target) = await ChannelAsync(tx, to, request.Channel, cancellationToken);

            // What the recipient gets: the case, not the reporter's contact details (case_forward_payload, migration 0005).
            await using (var outbox = new NpgsqlCommand(SqlResources.Get("Cases/forward.sql"), tx.Connection, tx.Transaction))
            {
                outbox.Parameters.AddWithValue(current.Id);
                outbox.Parameters.AddWithValue(to);
                outbox.Parameters.AddWithValue(kind);
                outbox.Parameters.AddWithValue(target);
                outbox.Parameters.Add(Text(note));
                await outbox.ExecuteNonQueryAsync(cancellationToken);
            }
            await SetAsync(tx, current.Id, CaseStatus.Forwarded, to, current.StatusNotes, cancellationToken);
            await AddEventAsync(tx, current.Id, actor, "forwarded", new
            {
                recipient = to, channel = kind, note, reason, suggested = current.SuggestedTo, replaces = reforward ? current.Assignee : null,
            }, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Cancels the case's forward deliveries that have not arrived. The rows are locked first: a worker sending one
    /// holds its lock until it has recorded the outcome, so a delivery is either found delivered here (its recipient
    /// is returned, and nothing changes) or cancelled before anyone sends it.
    /// </summary>
    private static async Task<string?> CancelUndeliveredAsync(Tx tx, Case current, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(SqlResources.Get("Cases/cancel_undelivered.sql"), tx.Connection, tx.Transaction);
        command.Parameters.AddWithValue(current.Id);
        command.Parameters.AddWithValue(current.Assignee ?? "");
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>The recipient's channel: the one asked for if it has it, else its first (webhook, then Open311, then e-mail).</summary>
    private static async Task<(string Kind, string Target)> ChannelAsync(Tx tx, string to, string? wanted, CancellationToken cancellationToken)
    {
        await using var channel = new NpgsqlCommand("SELECT webhook_url, open311_endpoint, email FROM organisations WHERE key = $1", tx.Connection, tx.Transaction);
        channel.Parameters.AddWithValue(to);
        await using var reader = await channel.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) throw new TwinException(ErrorCodes.UnknownOrganisation, $"There is no organisation '{to}'.");
        (string Kind, string? Target)[] channels =
            [("webhook", reader.GetStringOrNull(0)), ("open311", reader.GetStringOrNull(1)),
             ("email", reader.GetStringOrNull(2))];
        if (wanted is not null)
        {
            var chosen = channels.FirstOrDefault(c => c.Kind == wanted);
            return chosen.Target is { } target ? (chosen.Kind, target)
                : throw new TwinException(ErrorCodes.NoChannel, $"'{to}' has no {wanted} channel; it has {string.Join(", ", channels.Where(c => c.Target is not null).Select(c => c.Kind).DefaultIfEmpty("none"))}.");
        }
        var first = channels.FirstOrDefault(c => c.Target is not null);
        return first.Target is { } found ? (first.Kind, found)
            : throw new TwinException(ErrorCodes.NoChannel, $"'{to}' has no webhook, Open311 endpoint or e-mail address to forward to.");
    }

    /// <summary>
    /// A status change, from a handler or from the recipient's system. A recipient may change only a case forwarded
    /// to it, and only to in_progress or done; a handler may set any status.
    /// </summary>
    public Task SetStatusAsync(long caseId, string status, string? note, Actor actor, CancellationToken cancellationToken) =>
        SetStatusAsync(caseId, status, note, null, actor, cancellationToken);

    /// <inheritdoc cref="SetStatusAsync(long, string, string?, Actor, CancellationToken)"/>
    public Task SetStatusAsync(long caseId, string status, string? note, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        if (!CaseStatus.All.Contains(status)) throw new TwinException(ErrorCodes.BadStatus, $"'{status}' is not a status; one of {string.Join(", ", CaseStatus.All)}.");
        var text = Note("note", note);
        return ChangeAsync(caseId, expectedVersion, (tx, current) => SetStatusAsync(tx, current, status, text, actor, cancellationToken), cancellationToken);
    }

    private static async Task SetStatusAsync(Tx tx, Case current, string status, string? note, Actor actor, CancellationToken cancellationToken)
    {
        if (actor.Organisation is { } organisation)
        {
            if (current.Assignee != organisation) throw new TwinException(ErrorCodes.NotRecipient, $"Case {current.ServiceRequestId} was not sent to {organisation}.", 403);
            if (status is not (CaseStatus.InProgress or CaseStatus.Done))
                throw new TwinException(ErrorCodes.BadStatus, $"A recipient reports in_progress or done; '{status}' is the handler's to set.");
        }
        await SetAsync(tx, current.Id, status, current.Assignee, note ?? current.StatusNotes, cancellationToken);
        await AddEventAsync(tx, current.Id, actor, "status", new { from = current.Status, to = status, note }, cancellationToken);
        if (status == CaseStatus.Done && current.Status != CaseStatus.Done && current.Email is { } email)
        {
            // The citizen hears of it at the address they left, through the outbox: in the same transaction, so
            // that the message is neither lost nor sent twice.
            await MessageCitizenAsync(tx, current, email, "done", note ?? current.StatusNotes, cancellationToken);
        }
        if (status == CaseStatus.Done && current.Status != CaseStatus.Done) await OriginalDoneAsync(tx, current, note ?? current.StatusNotes, actor, cancellationToken);
    }

    /// <summary>
    /// A status update from a recipient's system, with its own update id, applied in one transaction with the record
    /// of that id: a crash between the two cannot leave the update recorded but not applied. False when the update
    /// was received before (nothing changes). A date the recipient promises (<paramref name="promised"/>) shows
    /// beside the due time on the desk and as Open311's expected_datetime.
    /// </summary>
    public async Task<bool> ApplyRecipientUpdateAsync(long caseId, string organisation, string updateId, string status, string? note, Actor actor,
        CancellationToken cancellationToken, DateTimeOffset? promised = null)
    {
        RequireWritable(("update_id", updateId), ("status", status));
        var text = Note("note", note);
        try
        {
            return await ChangeAsync(caseId, null, async (tx, current) =>
            {
                await using (var record = new NpgsqlCommand(
                    "INSERT INTO case_updates (organisation, update_id, case_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", tx.Connection, tx.Transaction))
                {
                    record.Parameters.AddWithValue(organisation);
                    record.Parameters.AddWithValue(updateId);
                    record.Parameters.AddWithValue(caseId);
                    if (await record.ExecuteNonQueryAsync(cancellationToken) == 0) throw new NothingToDo();
                }
                if (status == CaseStatus.Rejected) await RejectAsync(tx, current, text ?? "Not ours.", actor, cancellationToken);
                else await SetStatusAsync(tx, current, status, text, actor, cancellationToken);
                if (promised is { } by && status != CaseStatus.Rejected)
                {
                    await using var promise = new NpgsqlCommand("UPDATE cases SET promised_at = $2 WHERE id = $1", tx.Connection, tx.Transaction);
                    promise.Parameters.AddWithValue(current.Id);
                    promise.Parameters.AddWithValue(by.ToUniversalTime());
                    await promise.ExecuteNonQueryAsync(cancellationToken);
                }
                return true;
            }, cancellationToken);
        }
        catch (NothingToDo)
        {
            return false;
        }
    }

    /// <summary>
    /// The handler's reply to the citizen: it becomes the case's note in Open311, and an e-mail in the citizen's
    /// language when they left an address (through the outbox, in the same transaction). Returns that e-mail's
    /// delivery, whose state tells whether it went: null when there is no address.
    /// </summary>
    public Task<long?> ReplyAsync(long caseId, string text, Actor actor, CancellationToken cancellationToken) =>
        ReplyAsync(caseId, text, null, actor, cancellationToken);

    /// <inheritdoc cref="ReplyAsync(long, string, Actor, CancellationToken)"/>
    public Task<long?> ReplyAsync(long caseId, string text, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var reply = Note("reply", text) ?? throw new TwinException(ErrorCodes.BadReply, $"A reply has 1 to {MaxNoteLength:N0} characters.");
        return ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            await SetAsync(tx, current.Id, current.Status, current.Assignee, reply, cancellationToken);
            await AddEventAsync(tx, current.Id, actor, "replied", new { text = reply, emailed = current.Email is not null }, cancellationToken);
            return current.Email is { } email ? await MessageCitizenAsync(tx, current, email, "reply", reply, cancellationToken) : (long?)null;
        }, cancellationToken);
    }

    /// <summary>
    /// The handler asks the citizen something before routing the case (what exactly, where exactly): the question is
    /// the case's note in Open311 and goes by e-mail where they left an address; the case waits, marked, until the
    /// handler acts on it again.
    /// </summary>
    public Task<long?> AskCitizenAsync(long caseId, string question, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var text = Note("question", question, required: true)!;
        return ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            if (!CaseStatus.IsOpen(current.Status) && current.Status != CaseStatus.Rejected)
                throw new TwinException(ErrorCodes.BadStatus, $"Case {current.ServiceRequestId} is {current.Status}; reopen it first.");
            await using (var wait = new NpgsqlCommand("UPDATE cases SET awaiting_citizen = true, status_notes = $2 WHERE id = $1", tx.Connection, tx.Transaction))
            {
                wait.Parameters.AddWithValue(current.Id);
                wait.Parameters.AddWithValue(text);
                await wait.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddEventAsync(tx, current.Id, actor, "asked-citizen", new { question = text, emailed = current.Email is not null }, cancellationToken);
            return current.Email is { } email ? await MessageCitizenAsync(tx, current, email, "question", text, cancellationToken) : (long?)null;
        }, cancellationToken);
    }

    /// <summary>
    /// Answered and closed at first contact, without a forward: not the city's, already fixed, passed to the state,
    /// answered, or a duplicate. The answer is the case's note and, where the citizen left an address, an e-mail. Such
    /// a case counts as resolved at first contact in the reports. A duplicate is merged into its original (see
    /// <see cref="MergeAsync"/>): both timelines say so, and its reporter hears when the original is done.
    /// </summary>
    public Task<long?> CloseAtFirstContactAsync(long caseId, string resolution, string? answer, string? duplicateOf, int? expectedVersion, Actor actor,
        CancellationToken cancellationToken)
    {
        if (!CaseResolution.All.Contains(resolution))
            throw new TwinException(ErrorCodes.BadResolution, $"'{resolution}' is not a resolution; one of {string.Join(", ", CaseResolution.All)}.");
        var text = Note("answer", answer);
        return ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            if (!Routable(current.Status))
            {
                throw new TwinException(ErrorCodes.BadStatus,
                    $"Case {current.ServiceRequestId} is {current.Status}; only a case not yet forwarded (or sent back) is closed at first contact.");
            }
            Case? original = null;
            if (resolution == CaseResolution.Duplicate)
            {
                if (duplicateOf is null) throw new TwinException(ErrorCodes.BadInput, "Name the case it duplicates.");
                original = await FindAsync(duplicateOf, cancellationToken);
                if (original is null || original.Id == current.Id) throw new TwinException(ErrorCodes.UnknownCase, $"There is no other case '{duplicateOf}'.");
                original = await MergeAsync(tx, current, original, actor, cancellationToken);
            }
            await using (var close = new NpgsqlCommand(SqlResources.Get("Cases/close_case.sql"), tx.Connection, tx.Transaction))
            {
                close.Parameters.AddWithValue(current.Id);
                close.Parameters.AddWithValue(resolution);
                close.Parameters.Add(Text(text));
                await close.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddEventAsync(tx, current.Id, actor, "closed",
                new { resolution, answer = text, duplicate_of = original?.ServiceRequestId, emailed = text is not null && current.Email is not null }, cancellationToken);
            return text is not null && current.Email is { } email ? await MessageCitizenAsync(tx, current, email, "reply", text, cancellationToken) : (long?)null;
        }, cancellationToken);
    }

    /// <summary>A closed or done case taken up again (the citizen says it is not fixed): back in the inbox, not routed, with the reason.</summary>
    public Task ReopenAsync(long caseId, string reason, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var why = Note("reason", reason, required: true);
        return ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            if (current.Status is not (CaseStatus.Done or CaseStatus.Closed))
                throw new TwinException(ErrorCodes.BadStatus, $"Case {current.ServiceRequestId} is {current.Status}; only a done or closed case is reopened.");
            await using (var reopen = new NpgsqlCommand(
                "UPDATE cases SET status = 'received', assignee = NULL, resolution = NULL, awaiting_citizen = false, merged_into = NULL WHERE id = $1",
                tx.Connection, tx.Transaction))
            {
                reopen.Parameters.AddWithValue(current.Id);
                await reopen.ExecuteNonQueryAsync(cancellationToken);
            }
            await AddEventAsync(tx, current.Id, actor, "reopened", new { reason = why, from = current.Status, was_with = current.Assignee }, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>"Not ours": the recipient sends a case back with a reason; it returns to the handler, never closed.</summary>
    public Task RejectAsync(long caseId, string reason, Actor actor, CancellationToken cancellationToken) =>
        RejectAsync(caseId, reason, null, actor, cancellationToken);

    /// <inheritdoc cref="RejectAsync(long, string, Actor, CancellationToken)"/>
    public Task RejectAsync(long caseId, string reason, int? expectedVersion, Actor actor, CancellationToken cancellationToken)
    {
        var why = string.IsNullOrWhiteSpace(reason) ? throw new TwinException(ErrorCodes.NoReason, "Say why the case is not yours.") : Note("reason", reason)!;
        return ChangeAsync(caseId, expectedVersion, (tx, current) => RejectAsync(tx, current, why, actor, cancellationToken), cancellationToken);
    }

    private static async Task RejectAsync(Tx tx, Case current, string reason, Actor actor, CancellationToken cancellationToken)
    {
        var by = actor.Organisation ?? current.Assignee;
        if (actor.Organisation is { } organisation && current.Assignee != organisation)
            throw new TwinException(ErrorCodes.NotRecipient, $"Case {current.ServiceRequestId} was not sent to {organisation}.", 403);
        await SetAsync(tx, current.Id, CaseStatus.Rejected, null, current.StatusNotes, cancellationToken);
        await AddEventAsync(tx, current.Id, actor, "rejected", new { by, reason }, cancellationToken);
    }

    /// <summary>
    /// The handler drags a case's pin: the case moves, and its suggestion follows (resolved again at the new point).
    /// Only before it is forwarded (or after it came back).
    /// </summary>
    public Task MoveAsync(long caseId, double lon, double lat, Actor actor, CancellationToken cancellationToken) =>
        RerouteAsync(caseId, new RerouteRequest("", Lon: lon, Lat: lat), actor, cancellationToken);

    /// <summary>
    /// Sends a case elsewhere on purpose: another category, another place, or another object (or several), with the
    /// reason on the timeline. The suggestion is made again for the case's new category and place and shown with its
    /// explanation; nothing is sent until the handler forwards. A pin dragged on the map is a move without a reason.
    /// </summary>
    public Task RerouteAsync(long caseId, RerouteRequest request, Actor actor, CancellationToken cancellationToken)
    {
        RequireWritable(("category", request.Category), ("objectId", request.ObjectId));
        var moveOnly = request is { Category: null, ObjectId: null } && request.Reason.Length == 0;
        var reason = moveOnly ? null : Note("reason", request.Reason, required: true);
        if (request.Lon is { } lon && request.Lat is { } lat && (!double.IsFinite(lon) || !double.IsFinite(lat) || lon is < -180 or > 180 || lat is < -90 or > 90))
            throw new TwinException(ErrorCodes.BadPoint, "A case's place is a longitude and latitude.");
        if (request.Lon is null != request.Lat is null) throw new TwinException(ErrorCodes.BadPoint, "A case's place is a longitude and a latitude, both.");
        if (request is { Category: null, ObjectId: null, Lon: null }) throw new TwinException(ErrorCodes.BadInput, "Give a new category, place or object.");
        return ChangeAsync(caseId, request.ExpectedVersion, async (tx, current) =>
        {
            if (!Routable(current.Status))
            {
                throw new TwinException(ErrorCodes.BadStatus,
                    $"Case {current.ServiceRequestId} is {current.Status}; only a case not yet forwarded (or sent back) can be routed again.");
            }
            var category = request.Category ?? current.Category;
            var (lon, lat) = (request.Lon ?? current.Lon, request.Lat ?? current.Lat);
            // A new place without a new object asks what is at the place; a new object is the target wherever the pin is.
            var objectId = request.ObjectId ?? (request.Lon is null ? current.ObjectId : null);
            if (request.ObjectId is not null && !await ObjectExistsAsync(tx, request.ObjectId, cancellationToken))
                throw new TwinException(ErrorCodes.UnknownObject, $"There is no map object '{request.ObjectId}' (layer:id).");
            var (answer, suggestion) = await SuggestAsync(lon, lat, objectId, category, cancellationToken);
            await using (var reroute = new NpgsqlCommand(SqlResources.Get("Cases/reroute_case.sql"), tx.Connection, tx.Transaction))
            {
                reroute.Parameters.AddWithValue(current.Id);
                reroute.Parameters.AddWithValue(lon);
                reroute.Parameters.AddWithValue(lat);
                reroute.Parameters.Add(Text(answer?.Recipient));
                reroute.Parameters.Add(Text(answer?.RecipientRole.ToString()));
                reroute.Parameters.Add(new NpgsqlParameter { Value = (object?)suggestion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
                reroute.Parameters.Add(Text(objectId ?? answer?.Target?.Id));
                reroute.Parameters.AddWithValue(category);
                try
                {
                    await reroute.ExecuteNonQueryAsync(cancellationToken);
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && e.ConstraintName == "cases_category_fkey")
                {
                    throw new TwinException(ErrorCodes.UnknownService, $"There is no category '{category}'; taskTypes lists them.");
                }
            }
            var recipient = new { from = current.SuggestedTo, to = answer?.Recipient };
            if (moveOnly)
            {
                await AddEventAsync(tx, current.Id, actor, "moved",
                    new { from = new[] { current.Lon, current.Lat }, to = new[] { lon, lat }, recipient = answer?.Recipient, target = answer?.Target?.Id }, cancellationToken);
            }
            else
            {
                await AddEventAsync(tx, current.Id, actor, "rerouted", new
                {
                    reason,
                    category = category == current.Category ? null : new { from = current.Category, to = category },
                    place = request.Lon is null ? null : new { from = new[] { current.Lon, current.Lat }, to = new[] { lon, lat } },
                    @object = new { from = current.ObjectId, to = objectId ?? answer?.Target?.Id },
                    recipient,
                    explanation = answer?.Explanation,
                    // The same lines as keys and values, so that the desk says them in its own language (as for a suggestion).
                    lines = answer?.ExplanationLines.Select(l => new { key = l.Key, values = l.Values }),
                }, cancellationToken);
            }
        }, cancellationToken);
    }

    private static async Task<bool> ObjectExistsAsync(Tx tx, string objectId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT FROM current_map_objects WHERE id = $1)", tx.Connection, tx.Transaction);
        command.Parameters.AddWithValue(objectId);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>
    /// Tries the case's failing deliveries again now (to its recipient and to the citizen), with a fresh count of
    /// attempts; a delivery that was dead is pending again. Returns how many.
    /// </summary>
    public Task<int> RetryDeliveriesAsync(long caseId, int? expectedVersion, Actor actor, CancellationToken cancellationToken) =>
        ChangeAsync(caseId, expectedVersion, async (tx, current) =>
        {
            await using var retry = new NpgsqlCommand(SqlResources.Get("Cases/retry_deliveries.sql"), tx.Connection, tx.Transaction);
            retry.Parameters.AddWithValue(current.Id);
            var retried = new List<object>();
            await using (var reader = await retry.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                    retried.Add(new { delivery = reader.GetInt64(0), recipient = reader.GetString(1), last_error = reader.GetStringOrNull(2) });
            }
            if (retried.Count == 0) throw new TwinException(ErrorCodes.NothingToRetry, $"Case {current.ServiceRequestId} has no failing delivery.");
            await AddEventAsync(tx, current.Id, actor, "delivery-retried", new { deliveries = retried }, cancellationToken);
            return retried.Count;
        }, cancellationToken);

    /// <summary>A message to the citizen through the outbox, in their language (CitizenMessages): its delivery's id.</summary>
    private static async Task<long> MessageCitizenAsync(Tx tx, Case current, string email, string kind, string? text, CancellationToken cancellationToken)
    {
        await using var message = new NpgsqlCommand(
            "INSERT INTO outbox (case_id, recipient, channel, target, payload) VALUES ($1, NULL, 'citizen-email', $2, $3::jsonb) RETURNING id", tx.Connection, tx.Transaction);
        message.Parameters.AddWithValue(current.Id);
        message.Parameters.AddWithValue(email);
        message.Parameters.AddWithValue(JsonSerializer.Serialize(new
        {
            kind, service_request_id = current.ServiceRequestId, service_code = current.Category, language = current.Language, status_notes = text,
        }));
        return (long)(await message.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task<Case> LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long caseId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM cases c WHERE c.id = $1 FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue(caseId);
        return await SingleAsync(command, cancellationToken) ?? throw new TwinException(ErrorCodes.UnknownCase, $"There is no case {caseId}.", 404);
    }

    /// <summary>Sets the status, who has it and the note; any handler action ends a wait for the citizen.</summary>
    private static async Task SetAsync(Tx tx, long caseId, string status, string? assignee, string? notes, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "UPDATE cases SET status = $2, assignee = $3, status_notes = $4, awaiting_citizen = false, updated_at = now() WHERE id = $1", tx.Connection, tx.Transaction);
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(status);
        command.Parameters.Add(Text(assignee));
        command.Parameters.Add(Text(notes));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task AddEventAsync(Tx tx, long caseId, Actor actor, string kind, object data, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("INSERT INTO case_events (case_id, actor, kind, data) VALUES ($1, $2, $3, $4::jsonb)", tx.Connection, tx.Transaction);
        command.Parameters.AddWithValue(caseId);
        command.Parameters.AddWithValue(actor.Name);
        command.Parameters.AddWithValue(kind);
        command.Parameters.AddWithValue(JsonSerializer.Serialize(data));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

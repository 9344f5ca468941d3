using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DigitalTwin.Data.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace DigitalTwin.Server.Cases;

/// <summary>Settings of forwarding (configuration section <c>Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>Off: this server instance leaves the outbox to others (or to a later start).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Workers of this instance, each taking a batch at a time.</summary>
    public int Workers { get; set; } = 2;

    /// <summary>Deliveries a worker takes and sends side by side, recorded in one transaction.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>After this many failed attempts a delivery is dead: it shows in the handler's inbox, and is not tried again.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxRetrySeconds"/>.</summary>
    public double FirstRetrySeconds { get; set; } = 2;

    public double MaxRetrySeconds { get; set; } = 3600;

    /// <summary>How long to wait for a receiver before counting the attempt as failed.</summary>
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>How often an idle worker looks for due deliveries, in milliseconds.</summary>
    public int PollMilliseconds { get; set; } = 200;

    /// <summary>The signing secret for receivers that have none of their own (organisations.webhook_secret).</summary>
    public string? DefaultWebhookSecret { get; set; }

    /// <summary>SMTP for the e-mail channel: host, port, sender.</summary>
    public string? SmtpHost { get; set; }

    public int SmtpPort { get; set; } = 25;

    public string SmtpFrom { get; set; } = "digitaltwin@localhost";
}

/// <summary>
/// Drains the outbox: each worker takes a batch of due deliveries with <c>FOR UPDATE SKIP LOCKED</c> (so that several
/// server instances can run side by side), sends them, and records the outcomes in the same transaction. The rows stay
/// locked while they are sent: if the server dies mid-send, the transaction is rolled back and the deliveries are sent
/// again, with the same idempotency keys, so the receiver can tell it has them already. Failures wait longer each time;
/// after <see cref="OutboxOptions.MaxAttempts"/> the delivery is dead and the case's timeline says so. What is due and
/// when the next attempt is are read from the <see cref="TimeProvider"/> (the system clock, kept in step by NTP on
/// every node), so that a test can move the clock rather than wait.
/// </summary>
public sealed partial class OutboxWorker(NpgsqlDataSource dataSource, IHttpClientFactory http, IOptions<OutboxOptions> options, CaseChanges changes, TimeProvider time,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    public const string HttpClientName = "outbox";

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
            catch (Exception e)
            {
                // Whatever went wrong, the worker stays: an exception out of a hosted service would stop the server.
                // A batch cut off before its outcomes were recorded is rolled back and sent again with its keys.
                // While the database is away, that is said once, not at every attempt.
                if (!Database.DatabaseFaults.IsUnavailable(e)) LogWorkerError(logger, e);
                else if (failures == 0) LogDatabaseAway(logger, e.Message);
                failures++;
            }
            // Idle: the poll interval. Failing: twice as long after each failure, up to MaxWait.
            var wait = TimeSpan.FromMilliseconds(options.Value.PollMilliseconds);
            if (failures > 0) wait = TimeSpan.FromTicks(Math.Min(wait.Ticks << Math.Min(failures, 16), Math.Max(MaxWait.Ticks, wait.Ticks)));
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

    private sealed record Due(long Id, long CaseId, string Recipient, string Channel, string Target, Guid Key, string Payload, int Attempts, string? Secret);

    /// <summary>
    /// Sends a batch of due deliveries (up to <see cref="OutboxOptions.BatchSize"/>, side by side) and records every
    /// outcome in one transaction; false when there was nothing to do. A server that dies mid-batch sends the whole
    /// batch again, each with its key: receivers keep one of each.
    /// </summary>
    public async Task<bool> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var select = new NpgsqlCommand("""
            SELECT o.id, o.case_id, coalesce(o.recipient, 'citizen'), o.channel, o.target, o.idempotency_key, o.payload::text, o.attempts, org.webhook_secret
            FROM outbox o LEFT JOIN organisations org ON org.key = o.recipient
            WHERE o.state = 'pending' AND o.next_attempt_at <= $2
            ORDER BY o.next_attempt_at, o.id
            FOR UPDATE OF o SKIP LOCKED
            LIMIT $1
            """, connection, transaction);
        select.Parameters.AddWithValue(Math.Max(1, options.Value.BatchSize));
        select.Parameters.AddWithValue(time.GetUtcNow());
        var due = new List<Due>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new Due(reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetGuid(5),
                    reader.GetString(6), reader.GetInt32(7), reader.IsDBNull(8) ? options.Value.DefaultWebhookSecret : reader.GetString(8)));
            }
        }
        if (due.Count == 0) return false;

        var outcomes = await Task.WhenAll(due.Select(d => SendOneAsync(d, cancellationToken)));
        await RecordAsync(connection, transaction, [.. due.Zip(outcomes)], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        changes.Raise();
        return true;
    }

    private async Task<Outcome> SendOneAsync(Due d, CancellationToken cancellationToken)
    {
        try
        {
            return new Outcome(d.Channel switch
            {
                "webhook" => await WebhookAsync(d.Target, d.Payload, d.Key, d.Secret, cancellationToken),
                "open311" => await Open311Async(d.Target, d.Payload, d.Key, cancellationToken),
                "citizen-email" => await CitizenEmailAsync(d.Target, d.Payload, d.Key, cancellationToken),
                "email" => await EmailAsync(d.Target, d.Payload, d.Key, cancellationToken),
                _ => throw new UndeliverableException($"there is no channel '{d.Channel}'"),
            }, null, false);
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

    /// <summary>The receiver's URL as HttpClient will read it; one it cannot is undeliverable, not a retry.</summary>
    private static Uri HttpUrl(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new UndeliverableException($"'{url}' is not an http(s) URL");

    private static string Describe(Exception e) => e.InnerException is { } inner && e is HttpRequestException ? $"{e.Message} ({inner.Message})" : e.Message;

    /// <summary>
    /// The outcomes of a batch, in one statement: each delivery's state (delivered; pending again after a wait that
    /// doubles with each failure; dead after the last attempt), and an event on each case's timeline.
    /// </summary>
    private async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<(Due Delivery, Outcome Outcome)> outcomes,
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
        await using var record = new NpgsqlCommand("""
            WITH outcome AS (
                SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::bigint[], $8::text[], $9::jsonb[])
                    AS o (id, attempts, state, error, external_id, wait_seconds, case_id, kind, data)
            ), updated AS (
                UPDATE outbox SET attempts = o.attempts, state = o.state, last_error = o.error, external_id = coalesce(o.external_id, outbox.external_id),
                                  next_attempt_at = $10 + make_interval(secs => o.wait_seconds),
                                  delivered_at = CASE WHEN o.state = 'delivered' THEN $10 END
                FROM outcome o WHERE outbox.id = o.id
            )
            INSERT INTO case_events (case_id, actor, kind, data)
            SELECT case_id, 'system', kind, data FROM outcome ORDER BY id
            """, connection, transaction);
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

    /// <summary>
    /// A JSON POST signed with HMAC-SHA256 over "{timestamp}.{body}" (X-Twin-Signature: sha256=hex), with the
    /// timestamp (X-Twin-Timestamp, Unix seconds) against replays and the idempotency key against doubles.
    /// </summary>
    private async Task<string?> WebhookAsync(string url, string payload, Guid key, string? secret, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(secret)) throw new DeliveryException("no webhook secret is set for the receiver (organisations.webhook_secret or Outbox:DefaultWebhookSecret)");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, HttpUrl(url)) { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key.ToString());
        request.Headers.Add("X-Twin-Timestamp", timestamp);
        request.Headers.Add("X-Twin-Signature", "sha256=" + Signature(secret, timestamp, payload));
        return await SendAsync(request, cancellationToken);
    }

    public static string Signature(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>
    /// An Open311 POST to the recipient's own GeoReport endpoint (requests.json), its texts cleaned (TextRules) as our
    /// own feeds write them: the receiver may store them in XML.
    /// </summary>
    private async Task<string?> Open311Async(string endpoint, string payload, Guid key, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(payload);
        var fields = new Dictionary<string, string>();
        foreach (var (from, to) in new[] { ("service_code", "service_code"), ("description", "description"), ("lat", "lat"), ("long", "long"),
                     ("address_string", "address_string"), ("media_url", "media_url"), ("service_request_id", "attribute[twin_service_request_id]") })
        {
            if (json.RootElement.TryGetProperty(from, out var value) && value.ValueKind != JsonValueKind.Null)
                fields[to] = value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString(CultureInfo.InvariantCulture) : TextRules.Clean(value.ToString());
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, HttpUrl(endpoint.TrimEnd('/') + "/requests.json")) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Idempotency-Key", key.ToString());
        return await SendAsync(request, cancellationToken);
    }

    private async Task<string?> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        using var response = await http.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode) throw new DeliveryException($"{(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}");
        return ExternalId(body);
    }

    /// <summary>The receiver's own id for the case, if its answer names one ({"id": ...} or Open311's [{"service_request_id": ...}]).</summary>
    private static string? ExternalId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.GetArrayLength() > 0 ? json.RootElement[0] : json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in new[] { "id", "service_request_id", "external_id" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number) return value.ToString();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }

    /// <summary>The case by e-mail to a recipient that takes cases by e-mail.</summary>
    private Task<string?> EmailAsync(string address, string payload, Guid key, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(payload);
        return MailAsync(address, $"Case {json.RootElement.GetProperty("service_request_id").GetString()}: {json.RootElement.GetProperty("service_code").GetString()}",
            JsonSerializer.Serialize(json.RootElement, new JsonSerializerOptions { WriteIndented = true }), key, cancellationToken);
    }

    /// <summary>The citizen's message that their case is done, in their language (CitizenMessages).</summary>
    private Task<string?> CitizenEmailAsync(string address, string payload, Guid key, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(payload);
        var (subject, body) = CitizenMessages.For(json.RootElement);
        return MailAsync(address, subject, body, key, cancellationToken);
    }

    /// <summary>
    /// A plain-text e-mail through SMTP (MailKit), with the idempotency key as the Message-Id. Subject and text go
    /// through TextRules.Clean: a case stored before the text rule may carry control characters that mail readers
    /// (and a header) cannot take.
    /// </summary>
    private async Task<string?> MailAsync(string address, string subject, string body, Guid key, CancellationToken cancellationToken)
    {
        if (options.Value.SmtpHost is not { Length: > 0 } host) throw new DeliveryException("no SMTP server is configured (Outbox:SmtpHost)");
        var message = new MimeMessage { MessageId = $"{key}@digitaltwin", Subject = TextRules.Clean(subject), Body = new TextPart("plain") { Text = TextRules.Clean(body) } };
        message.From.Add(MailboxAddress.Parse(options.Value.SmtpFrom));
        // Checked at intake with the same parser (EmailAddresses); a value stored before that check is undeliverable.
        message.To.Add(MailboxAddress.TryParse(address, out var to) ? to : throw new UndeliverableException($"'{address}' is not an e-mail address"));
        using var smtp = new SmtpClient { Timeout = (int)(options.Value.TimeoutSeconds * 1000) };
        await smtp.ConnectAsync(host, options.Value.SmtpPort, MailKit.Security.SecureSocketOptions.None, cancellationToken);
        await smtp.SendAsync(message, cancellationToken);
        await smtp.DisconnectAsync(true, cancellationToken);
        return message.MessageId;
    }

    private sealed class DeliveryException(string message) : Exception(message);

    /// <summary>A delivery that cannot be made as it stands (no channel, an address or URL that does not parse): dead at once.</summary>
    private sealed class UndeliverableException(string message) : Exception(message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery {Id} to {Recipient} failed (attempt {Attempts}): {Error}")]
    private static partial void LogDeliveryFailed(ILogger logger, long id, string recipient, int attempts, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The outbox worker could not take or record a batch; it tries again.")]
    private static partial void LogWorkerError(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox worker cannot reach the database ({Reason}); it keeps trying, and nothing due is lost.")]
    private static partial void LogDatabaseAway(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox worker reached the database again after {Failures} failed attempt(s).")]
    private static partial void LogWorkerResumed(ILogger logger, int failures);
}

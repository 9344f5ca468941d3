using System.ComponentModel.DataAnnotations;

namespace DigitalTwin.Server.Cases;

/// <summary>Settings of forwarding (configuration section <c>Outbox</c>), checked when the server starts.</summary>
public sealed class OutboxOptions
{
    /// <summary>Off: this server instance leaves the outbox to others (or to a later start).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Workers of this instance, each taking a batch at a time.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>Deliveries a worker takes and sends side by side, recorded in one transaction.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 16;

    /// <summary>After this many failed attempts a delivery is dead: it shows in the handler's inbox, and is not tried again.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxRetrySeconds"/>.</summary>
    [Range(0.001, 86400)]
    public double FirstRetrySeconds { get; set; } = 2;

    [Range(0.001, 604800)]
    public double MaxRetrySeconds { get; set; } = 3600;

    /// <summary>How long to wait for a receiver before counting the attempt as failed.</summary>
    [Range(0.1, 600)]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>
    /// How long a node may hold a batch between two statements before the database ends its session and gives the batch
    /// to the other nodes' workers (PostgreSQL's <c>idle_in_transaction_session_timeout</c>, set for that transaction
    /// only): for a node that stops without its connection closing. More than a batch's sends take
    /// (<see cref="TimeoutSeconds"/>, and for SMTP a few of those), or deliveries go out twice, with the same key.
    /// </summary>
    [Range(1, 3600)]
    public int ClaimSeconds { get; set; } = 60;

    /// <summary>
    /// After the database was away (a failover, a restart), how long this node's workers leave the deliveries that were
    /// due before the loss, and take only newer ones: a batch that another node sent just before the loss is then
    /// recorded by that node, not sent again by this one (see <see cref="OutboxWorker"/>). 0: no wait.
    /// </summary>
    [Range(0, 600)]
    public int ResumeGraceSeconds { get; set; } = 10;

    /// <summary>How often an idle worker looks for due deliveries, in milliseconds.</summary>
    [Range(10, 60000)]
    public int PollMilliseconds { get; set; } = 200;

    /// <summary>The signing secret for receivers that have none of their own (organisations.webhook_secret).</summary>
    public string? DefaultWebhookSecret { get; set; }

    /// <summary>SMTP for the e-mail channel: host, port, sender.</summary>
    public string? SmtpHost { get; set; }

    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 25;

    public string SmtpFrom { get; set; } = "digitaltwin@localhost";
}

namespace DigitalTwin.Server.Cases;

/// <summary>
/// One way a delivery leaves the outbox (a signed webhook, an Open311 POST, an e-mail). The worker picks the channel
/// by the delivery's <see cref="Name"/> (outbox.channel); a new way out is a new class of this interface, registered
/// in <see cref="CaseServices"/>.
/// </summary>
public interface IOutboxChannel
{
    /// <summary>The name stored in outbox.channel, e.g. "webhook".</summary>
    string Name { get; }

    /// <summary>
    /// Sends one delivery and returns the receiver's own id for the case, if it names one. Throws
    /// <see cref="UndeliverableException"/> when no retry can help (the delivery is dead at once); any other exception
    /// is a failure that is tried again later.
    /// </summary>
    Task<string?> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken);
}

/// <summary>A delivery that is due: where it goes (<paramref name="Target"/>: a URL, an endpoint or an address), what it carries, and its key.</summary>
public sealed record OutboxDelivery(long Id, long CaseId, string Recipient, string Channel, string Target, Guid Key, string Payload, int Attempts, string? Secret);

/// <summary>The receiver refused or failed: the delivery is tried again after its wait.</summary>
public sealed class DeliveryException(string message) : Exception(message);

/// <summary>A delivery that cannot be made as it stands (no channel, an address or URL that does not parse): dead at once.</summary>
public sealed class UndeliverableException(string message) : Exception(message);

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// A JSON POST signed with HMAC-SHA256 over "{timestamp}.{body}" (X-Twin-Signature: sha256=hex), with the
/// timestamp (X-Twin-Timestamp, Unix seconds) against replays and the idempotency key against doubles.
/// </summary>
public sealed class WebhookChannel(OutboxHttp http, TimeProvider time) : IOutboxChannel
{
    public string Name => "webhook";

    public async Task<string?> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(delivery.Secret))
            throw new DeliveryException("no webhook secret is set for the receiver (organisations.webhook_secret or Outbox:DefaultWebhookSecret)");
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, OutboxHttp.Url(delivery.Target))
        {
            Content = new StringContent(delivery.Payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", delivery.Key.ToString());
        request.Headers.Add("X-Twin-Timestamp", timestamp);
        request.Headers.Add("X-Twin-Signature", "sha256=" + Signature(delivery.Secret, timestamp, delivery.Payload));
        return await http.SendAsync(request, cancellationToken);
    }

    public static string Signature(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}

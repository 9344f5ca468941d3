using System.Text.Json;
using DigitalTwin.Data.Text;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// Plain-text e-mail through SMTP (MailKit), with the idempotency key as the Message-Id. Subject and text go through
/// TextRules.Clean: a case stored before the text rule may carry control characters that mail readers (and a header)
/// cannot take.
/// </summary>
public sealed class OutboxMailer(IOptions<OutboxOptions> options)
{
    public async Task<string?> SendAsync(string address, string subject, string body, Guid key, CancellationToken cancellationToken)
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
}

/// <summary>The case by e-mail to a recipient that takes cases by e-mail: its number and category, and the case as JSON.</summary>
public sealed class EmailChannel(OutboxMailer mailer) : IOutboxChannel
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public string Name => "email";

    public Task<string?> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(delivery.Payload);
        var root = json.RootElement;
        return mailer.SendAsync(delivery.Target, $"Case {root.GetProperty("service_request_id").GetString()}: {root.GetProperty("service_code").GetString()}",
            JsonSerializer.Serialize(root, Indented), delivery.Key, cancellationToken);
    }
}

/// <summary>The citizen's message that their case is done, in their language (<see cref="CitizenMessages"/>).</summary>
public sealed class CitizenEmailChannel(OutboxMailer mailer) : IOutboxChannel
{
    public string Name => "citizen-email";

    public Task<string?> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(delivery.Payload);
        var (subject, body) = CitizenMessages.For(json.RootElement);
        return mailer.SendAsync(delivery.Target, subject, body, delivery.Key, cancellationToken);
    }
}

using MimeKit;

namespace DigitalTwin.Data.Text;

/// <summary>
/// E-mail addresses as the outbox will send to them: checked at intake with MimeKit's own parser (the one MailKit
/// sends with), so that an address a delivery could not parse is refused at the door, never met by a worker later.
/// </summary>
public static class EmailAddresses
{
    /// <summary>The longest address (RFC 5321's path limit).</summary>
    public const int MaxLength = 254;

    /// <summary>
    /// True when <paramref name="text"/> is one plain address (local@domain), exactly as MimeKit reads it: no display
    /// name, no group, no list, nothing MimeKit would read differently from what was written.
    /// </summary>
    public static bool IsValid(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength || !TextRules.IsClean(text) || text.Any(char.IsWhiteSpace)) return false;
        if (!MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)) return false;
        var at = mailbox.Address.LastIndexOf('@');
        return mailbox.Address == text && string.IsNullOrEmpty(mailbox.Name) && at > 0 && at < mailbox.Address.Length - 1
               && mailbox.Route.Count == 0 && mailbox.Domain.Length > 0 && !mailbox.Domain.Contains('@', StringComparison.Ordinal);
    }

    /// <summary>Why an address is refused, naming the field, or null when it is valid.</summary>
    public static string? Problem(string field, string? text) =>
        text is null || IsValid(text) ? null : $"{field} is not an e-mail address that can be sent to (one address such as name@example.org).";
}

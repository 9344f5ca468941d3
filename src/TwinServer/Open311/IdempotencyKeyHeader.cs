using System.Text;
using Microsoft.Extensions.Primitives;

namespace DigitalTwin.Server.Open311;

/// <summary>
/// The <c>Idempotency-Key</c> request header as the IETF draft has it (draft-ietf-httpapi-idempotency-key-header): one
/// key per request, an Item Structured Field whose value is a String (<c>Idempotency-Key: "8e03978e-..."</c>). A bare
/// key without quotes is taken too, as most clients (and our own outbox) send it. Two keys, on two header lines or as
/// a comma list, are refused: which one the client meant is not ours to guess, and taking neither (as this server once
/// did) silently made every retry a new case.
/// </summary>
internal static class IdempotencyKeyHeader
{
    public const string Name = "Idempotency-Key";

    /// <summary>The longest key kept: the intake's rule for every channel's key.</summary>
    public const int MaxLength = Cases.CaseIntake.MaxIdempotencyKey;

    /// <summary>Reads the header: its key (null when the header is absent), or why it is refused.</summary>
    public static (string? Key, string? Problem) Read(StringValues lines)
    {
        if (lines.Count == 0) return (null, null);
        if (lines.Count > 1) return (null, $"{Name} was sent {lines.Count} times; a request carries one key (a retry repeats the same one).");
        var value = lines[0]!.Trim();
        if (value.Length == 0) return (null, $"{Name} is empty; send a key unique to this request, e.g. a UUID, or no {Name} at all.");
        string key;
        if (value[0] == '"')
        {
            var (text, end) = SfString(value);
            if (text is null) return (null, $"{Name} starts a quoted string that is not one (RFC 8941: printable ASCII, \\\" and \\\\ escaped, a closing quote).");
            var rest = value[end..].TrimStart();
            // Parameters of the item (;name=value) mean nothing here and are ignored; anything else is a second key.
            if (rest.Length > 0 && rest[0] != ';') return (null, $"{Name} holds more than one key; a request carries one.");
            key = text;
        }
        else
        {
            if (value.Contains(',', StringComparison.Ordinal)) return (null, $"{Name} holds a list of keys ('{value}'); a request carries one.");
            key = value;
        }
        if (key.Length == 0) return (null, $"{Name} is empty; send a key unique to this request, e.g. a UUID, or no {Name} at all.");
        if (key.Length > MaxLength) return (null, $"{Name} is longer than {MaxLength} characters.");
        return (key, null);
    }

    /// <summary>An RFC 8941 sf-string at the start of the text, and where it ends; null text when it is not one.</summary>
    private static (string? Text, int End) SfString(string text)
    {
        var result = new StringBuilder();
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') return (result.ToString(), i + 1);
            if (c == '\\')
            {
                if (++i == text.Length || text[i] is not ('"' or '\\')) return (null, 0);
                result.Append(text[i]);
            }
            else if (c is < ' ' or > '~')
            {
                return (null, 0);
            }
            else
            {
                result.Append(c);
            }
        }
        return (null, 0);
    }
}

using System.Text;

namespace DigitalTwin.Data.Text;

/// <summary>
/// What text the service takes in and can always write out again: Unicode without control characters other than tab,
/// line feed and carriage return, without NUL (PostgreSQL's text cannot hold it), without lone surrogates (not UTF-8),
/// and without the two non-characters U+FFFE and U+FFFF. XML 1.0 cannot carry any of these, and JSON, CSV and e-mail
/// readers trip on them, so every channel refuses them at the door and every writer that meets an older value
/// replaces them (<see cref="Clean"/>).
/// </summary>
public static class TextRules
{
    /// <summary>The refusal code every channel answers with for such text.</summary>
    public const string BadTextCode = "BAD_TEXT";

    /// <summary>The index of the first character that may not be stored, or -1 when the text is clean.</summary>
    public static int FirstForbidden(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }
                return i;
            }
            if (char.IsLowSurrogate(c) || IsForbidden(c)) return i;
        }
        return -1;
    }

    /// <summary>True when the text may be stored and written anywhere.</summary>
    public static bool IsClean(ReadOnlySpan<char> text) => FirstForbidden(text) < 0;

    /// <summary>
    /// Why the text is refused, naming the field and the character (e.g. "description has the control character U+0001
    /// at position 12"), or null when it is clean.
    /// </summary>
    public static string? Problem(string field, string? text)
    {
        if (text is null) return null;
        var at = FirstForbidden(text);
        if (at < 0) return null;
        var what = char.IsSurrogate(text[at]) ? "a broken UTF-16 surrogate (not valid UTF-8)"
            : text[at] == '\0' ? "a NUL character"
            : $"the control character U+{(int)text[at]:X4}";
        return $"{field} has {what} at position {at + 1}; text may hold tab and line breaks but no other control characters.";
    }

    /// <summary>The text with every character that may not be written replaced by U+FFFD, for writers that meet old data.</summary>
    public static string Clean(string text)
    {
        var at = FirstForbidden(text);
        if (at < 0) return text;
        var clean = new StringBuilder(text.Length);
        clean.Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else
            {
                clean.Append(char.IsSurrogate(c) || IsForbidden(c) ? '\uFFFD' : c);
            }
        }
        return clean.ToString();
    }

    /// <summary>Control characters (C0, DEL and C1) but tab and line breaks, and the two non-characters.</summary>
    private static bool IsForbidden(char c) => (char.IsControl(c) && c is not ('\t' or '\n' or '\r')) || c is '\uFFFE' or '\uFFFF';
}

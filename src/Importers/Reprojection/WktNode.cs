using System.Globalization;
using System.Text;

namespace DigitalTwin.Importers.Reprojection;

/// <summary>
/// A WKT coordinate system (WKT1 as in .prj files and spatial_ref_sys, ESRI or OGC flavour) as a tree:
/// <c>KEYWORD["name", 1.0, CHILD[...], ...]</c>.
/// </summary>
internal sealed class WktNode(string keyword, IReadOnlyList<object> arguments)
{
    public string Keyword { get; } = keyword;

    /// <summary>Strings (quoted text or bare words such as EAST), doubles and child nodes, in order.</summary>
    public IReadOnlyList<object> Arguments { get; } = arguments;

    public string? Name => Arguments.Count > 0 ? Arguments[0] as string : null;

    public IEnumerable<WktNode> Children => Arguments.OfType<WktNode>();

    public WktNode? Child(string keyword) =>
        Children.FirstOrDefault(c => c.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));

    public IEnumerable<WktNode> ChildrenNamed(string keyword) =>
        Children.Where(c => c.Keyword.Equals(keyword, StringComparison.OrdinalIgnoreCase));

    public double? Number(int index) => index < Arguments.Count && Arguments[index] is double d ? d : null;

    /// <summary>Parses WKT; null when the text is not WKT at all (an HTML page saved as .prj, say).</summary>
    public static WktNode? TryParse(string text)
    {
        try
        {
            var parser = new Parser(text);
            var node = parser.Node();
            return node;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>A recursive-descent reader over the WKT text; brackets may be [] or ().</summary>
    private ref struct Parser(string text)
    {
        private int position;

        public WktNode Node()
        {
            SkipSpace();
            var start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_')) position++;
            if (position == start || !char.IsAsciiLetter(text[start])) throw new FormatException("a keyword is expected");
            var keyword = text[start..position];
            SkipSpace();
            if (position >= text.Length || text[position] is not ('[' or '(')) throw new FormatException("'[' is expected");
            position++;
            var arguments = new List<object>();
            while (true)
            {
                SkipSpace();
                if (position >= text.Length) throw new FormatException("the WKT ends early");
                var c = text[position];
                if (c is ']' or ')')
                {
                    position++;
                    return new WktNode(keyword, arguments);
                }
                if (arguments.Count > 0)
                {
                    if (c != ',') throw new FormatException("',' is expected");
                    position++;
                    SkipSpace();
                    if (position >= text.Length) throw new FormatException("the WKT ends early");
                    c = text[position];
                }
                arguments.Add(c switch
                {
                    '"' => QuotedText(),
                    '-' or '+' or '.' or (>= '0' and <= '9') => Number(),
                    _ => WordOrNode(),
                });
            }
        }

        private string QuotedText()
        {
            var builder = new StringBuilder();
            position++;
            while (true)
            {
                if (position >= text.Length) throw new FormatException("a quoted name is not closed");
                var c = text[position++];
                if (c == '"')
                {
                    // WKT escapes a quote inside a name by doubling it.
                    if (position < text.Length && text[position] == '"') position++;
                    else return builder.ToString();
                }
                builder.Append(c);
            }
        }

        private double Number()
        {
            var start = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] is '-' or '+' or '.' or 'e' or 'E')) position++;
            return double.TryParse(text.AsSpan(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new FormatException("a number is expected");
        }

        [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "A word (a string) or a node, as WKT has them.")]
        private object WordOrNode()
        {
            var start = position;
            while (position < text.Length && (char.IsAsciiLetterOrDigit(text[position]) || text[position] == '_')) position++;
            if (position == start) throw new FormatException($"unexpected '{text[position]}'");
            var save = position;
            SkipSpace();
            if (position < text.Length && text[position] is '[' or '(')
            {
                position = start;
                return Node();
            }
            position = save;
            return text[start..position];
        }

        private void SkipSpace()
        {
            while (position < text.Length && char.IsWhiteSpace(text[position])) position++;
        }
    }
}

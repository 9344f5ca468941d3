using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Filtering;

/// <summary>
/// The features an import keeps (<c>--where</c>): a small SQL-like expression over source attributes, parsed here into
/// a predicate and never handed to a database or to GDAL, so that every reader, native or GDAL, filters alike.
/// </summary>
/// <remarks>
/// Grammar: <c>expr := term (OR term)*; term := factor (AND factor)*; factor := NOT factor | ( expr ) | comparison</c>;
/// a comparison is <c>column op literal</c> (<c>= &lt;&gt; != &lt; &lt;= &gt; &gt;=</c>), <c>column [NOT] IN (literal, ...)</c>,
/// <c>column [NOT] LIKE 'pattern'</c> (<c>%</c>, <c>_</c>), or <c>column IS [NOT] NULL</c>. Literals are
/// <c>'text'</c> (<c>''</c> for a quote) or numbers; a column is a name, or <c>"a name"</c>. Keywords in any case.
/// As in SQL, a comparison with an empty value is unknown (neither true nor false, and NOT keeps it unknown); an empty
/// text is empty as the mapping takes it. A number literal compares numerically with a value that is a number.
/// </remarks>
internal sealed class WhereClause
{
    private readonly Func<IReadOnlyDictionary<string, object?>, bool?> predicate;

    private WhereClause(string text, Func<IReadOnlyDictionary<string, object?>, bool?> predicate, IReadOnlyList<string> columns)
    {
        Text = text;
        this.predicate = predicate;
        Columns = columns;
    }

    /// <summary>The expression as given.</summary>
    public string Text { get; }

    /// <summary>The source fields it reads, as the file names them.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>Whether a feature is kept: only when the expression is true (not when it is false or unknown).</summary>
    public bool Matches(IReadOnlyDictionary<string, object?> attributes) => predicate(attributes) == true;

    /// <summary>
    /// Parses <paramref name="text"/>, naming its columns among <paramref name="fields"/> (exactly, or in another letter
    /// case when only one field matches so).
    /// </summary>
    /// <exception cref="ImportException">The expression is not one, or names a field the file does not have.</exception>
    public static WhereClause Parse(string text, IReadOnlyList<string> fields)
    {
        var parser = new Parser(text, fields);
        var predicate = parser.Expression();
        if (parser.Peek is { } extra) throw parser.Error($"unexpected '{extra.Text}'");
        return new WhereClause(text, predicate, [.. parser.Columns]);
    }

    private enum TokenKind { Name, Text, Number, Symbol }

    private readonly record struct Token(TokenKind Kind, string Text, int Position)
    {
        public bool Is(string keyword) => Kind == TokenKind.Name && Text.Equals(keyword, StringComparison.OrdinalIgnoreCase);
    }

    private sealed class Parser(string text, IReadOnlyList<string> fields)
    {
        private static readonly string[] Keywords = ["and", "or", "not", "in", "is", "null", "like"];
        private readonly List<Token> tokens = Tokenize(text);
        private int next;

        public List<string> Columns { get; } = [];

        public Token? Peek => next < tokens.Count ? tokens[next] : null;

        public ImportException Error(string what) =>
            new($"--where {text}: {what}{(Peek is { } t ? $" at character {t.Position + 1}" : " at the end")}.");

        public Func<IReadOnlyDictionary<string, object?>, bool?> Expression() => Chain("or", () => Chain("and", Factor, And), Or);

        /// <summary>Operands joined by one keyword, left to right: <c>a OR b OR c</c>.</summary>
        private Func<IReadOnlyDictionary<string, object?>, bool?> Chain(
            string keyword, Func<Func<IReadOnlyDictionary<string, object?>, bool?>> operand, Func<bool?, bool?, bool?> combine)
        {
            var left = operand();
            while (Accept(keyword))
            {
                var (a, b) = (left, operand());
                left = row => combine(a(row), b(row));
            }
            return left;
        }

        /// <summary>SQL's three-valued OR: true wins, then unknown.</summary>
        private static bool? Or(bool? a, bool? b) => a == true || b == true ? true : a is null || b is null ? null : false;

        /// <summary>SQL's three-valued AND: false wins, then unknown.</summary>
        private static bool? And(bool? a, bool? b) => a == false || b == false ? false : a is null || b is null ? null : true;

        private Func<IReadOnlyDictionary<string, object?>, bool?> Factor()
        {
            if (Accept("not"))
            {
                var inner = Factor();
                return row => !inner(row);
            }
            if (AcceptSymbol("("))
            {
                var inner = Expression();
                if (!AcceptSymbol(")")) throw Error("expected ')'");
                return inner;
            }
            return Comparison();
        }

        private Func<IReadOnlyDictionary<string, object?>, bool?> Comparison()
        {
            var column = Column();
            if (Accept("is"))
            {
                var negate = Accept("not");
                if (!Accept("null")) throw Error("expected NULL after IS");
                return row => Value(row, column) is null != negate;
            }
            var not = Accept("not");
            if (Accept("in"))
            {
                if (!AcceptSymbol("(")) throw Error("expected '(' after IN");
                var list = new List<Token> { Literal() };
                while (AcceptSymbol(",")) list.Add(Literal());
                if (!AcceptSymbol(")")) throw Error("expected ')' or ',' in the IN list");
                return row =>
                {
                    var value = Value(row, column);
                    if (value is null) return null;
                    return list.Any(l => Compare(value, l) == 0) != not;
                };
            }
            if (Accept("like"))
            {
                var pattern = Literal();
                if (pattern.Kind != TokenKind.Text) throw Error("LIKE takes a 'text' pattern");
                var regex = new Regex("^" + Regex.Escape(pattern.Text).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$",
                    RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
                return row => Value(row, column) is { } value ? regex.IsMatch(Text(value)) != not : null;
            }
            if (not) throw Error("expected IN or LIKE after NOT");
            if (Peek is not { Kind: TokenKind.Symbol } op || op.Text is "(" or ")" or ",") throw Error("expected a comparison (=, <>, <, <=, >, >=, IN, LIKE, IS NULL)");
            next++;
            var literal = Literal();
            Func<int, bool> test = op.Text switch
            {
                "=" => c => c == 0,
                "<>" or "!=" => c => c != 0,
                "<" => c => c < 0,
                "<=" => c => c <= 0,
                ">" => c => c > 0,
                ">=" => c => c >= 0,
                _ => throw Error($"unknown operator '{op.Text}'"),
            };
            return row => Value(row, column) is { } value ? test(Compare(value, literal)) : null;
        }

        private string Column()
        {
            if (Peek is not { } token || token.Kind != TokenKind.Name || (Keywords.Contains(token.Text.ToLowerInvariant()) && !token.Text.StartsWith('"')))
            {
                throw Error("expected a field name");
            }
            next++;
            var name = token.Text.StartsWith('"') ? token.Text[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : token.Text;
            var match = fields.Contains(name, StringComparer.Ordinal) ? name
                : fields.Where(f => f.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList() is [var only] ? only
                : throw new ImportException($"--where {text}: the file has no field '{name}'. Its fields are: {(fields.Count == 0 ? "none" : string.Join(", ", fields))}.");
            if (!Columns.Contains(match)) Columns.Add(match);
            return match;
        }

        private Token Literal()
        {
            if (Peek is { Kind: TokenKind.Text or TokenKind.Number } token)
            {
                next++;
                return token;
            }
            throw Error("expected a 'text' or a number");
        }

        private bool Accept(string keyword)
        {
            if (Peek is not { } token || !token.Is(keyword)) return false;
            next++;
            return true;
        }

        private bool AcceptSymbol(string symbol)
        {
            if (Peek is not { Kind: TokenKind.Symbol } token || token.Text != symbol) return false;
            next++;
            return true;
        }

        private static List<Token> Tokenize(string text)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (i < text.Length)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c)) { i++; continue; }
                var start = i;
                if (c is '\'' or '"')
                {
                    var value = new StringBuilder();
                    i++;
                    while (true)
                    {
                        if (i >= text.Length) throw new ImportException($"--where {text}: the {(c == '\'' ? "text" : "name")} begun at character {start + 1} has no closing {c}.");
                        if (text[i] == c && i + 1 < text.Length && text[i + 1] == c) { value.Append(c); i += 2; continue; }
                        if (text[i] == c) { i++; break; }
                        value.Append(text[i++]);
                    }
                    tokens.Add(c == '\'' ? new Token(TokenKind.Text, value.ToString(), start) : new Token(TokenKind.Name, "\"" + value.ToString().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"", start));
                }
                else if (char.IsDigit(c) || (c is '-' or '.' && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.')))
                {
                    i++;
                    while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.')) i++;
                    var number = text[start..i];
                    if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out _)) throw new ImportException($"--where {text}: '{number}' at character {start + 1} is not a number.");
                    tokens.Add(new Token(TokenKind.Number, number, start));
                }
                else if (char.IsLetter(c) || c == '_')
                {
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                    tokens.Add(new Token(TokenKind.Name, text[start..i], start));
                }
                else
                {
                    var two = i + 1 < text.Length ? text.Substring(i, 2) : "";
                    var symbol = two is "<>" or "!=" or "<=" or ">=" ? two : c is '=' or '<' or '>' or '(' or ')' or ',' ? c.ToString() : null;
                    if (symbol is null) throw new ImportException($"--where {text}: '{c}' at character {start + 1} is not part of an expression.");
                    i += symbol.Length;
                    tokens.Add(new Token(TokenKind.Symbol, symbol, start));
                }
            }
            return tokens;
        }

        /// <summary>The value of a field, or null when the feature lacks it or it is empty.</summary>
        private static object? Value(IReadOnlyDictionary<string, object?> row, string column) =>
            row.TryGetValue(column, out var value) && value is not null && !(value is string s && string.IsNullOrWhiteSpace(s)) ? value : null;

        private static string Text(object value) => value switch
        {
            bool b => b ? "true" : "false",
            string s => s.Trim(),
            _ => FieldSource.AttributeText(value) ?? "",
        };

        private static int Compare(object value, Token literal)
        {
            if (literal.Kind == TokenKind.Number)
            {
                var wanted = double.Parse(literal.Text, CultureInfo.InvariantCulture);
                double? number = value switch
                {
                    long l => l,
                    int i => i,
                    double d => d,
                    decimal m => (double)m,
                    string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
                    _ => null,
                };
                if (number is { } n) return n.CompareTo(wanted);
            }
            return Math.Sign(string.CompareOrdinal(Text(value), literal.Text));
        }
    }
}

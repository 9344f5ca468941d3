using System.Globalization;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQL.Execution;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Parses a query text that has not been seen before, within <see cref="GraphQLLimits"/>, and measures it before
/// GraphQL.NET validates it. Validation is not linear in every dimension of a document: its rule for unique directives
/// compares every directive on a field with every other one, its rule for mergeable fields compares fields of the same
/// name pairwise, and fragments that spread fragments multiply; each error it reports costs a walk through the text.
/// So what feeds it is bounded here, in time linear in the text: its length, then its tokens and directives as the
/// lexer reads them (stopping at the limit, before anything is built), then the parser's nesting, then fragments, aliases,
/// the depth of fields, the fields with every fragment spread out, and the fields asked for again in the same place.
/// </summary>
internal static class DocumentLimits
{
    /// <summary>
    /// How deep the parser may recurse (AST nodes of any kind: selections, and lists and objects in arguments).
    /// The deepest document we answer nests fields <see cref="GraphQLLimits.GraphQLMaxDepth"/> deep (two AST levels
    /// each) with a GeoJSON literal inside (about ten); past this, it is no query of ours, and the stack stays safe.
    /// </summary>
    public const int ParserDepth = 128;

    /// <summary>The parsed document, or why it is refused (a syntax error, or the limit it goes over, with its code).</summary>
    public static (GraphQLDocument? Document, ExecutionError? Refusal) Parse(string text, GraphQLLimits limits)
    {
        if (text.Length > limits.GraphQLMaxDocumentCharacters)
        {
            return Refuse(ErrorCodes.DocumentTooLarge,
                $"The query is {N(text.Length)} characters long; at most {N(limits.GraphQLMaxDocumentCharacters)}. Send large values (GeoJSON) as variables.");
        }
        GraphQLDocument document;
        try
        {
            if (Lex(text, limits) is { } overLimit) return (null, overLimit);
            document = Parser.Parse(text, new ParserOptions { MaxDepth = ParserDepth });
        }
        catch (GraphQLSyntaxErrorException e)
        {
            return (null, new SyntaxError(e));
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return Refuse(ErrorCodes.TooDeep, $"The query nests more than {ParserDepth} levels (selections, lists and objects); the depth limit for fields is {limits.GraphQLMaxDepth}.");
        }

        var fragments = document.Definitions.Count(d => d is GraphQLFragmentDefinition);
        if (fragments > limits.GraphQLMaxFragments)
        {
            return Refuse(ErrorCodes.TooManyFragments, $"The query defines {N(fragments)} fragments; at most {N(limits.GraphQLMaxFragments)}.");
        }
        var aliases = CountAliases(document);
        if (aliases > limits.GraphQLMaxAliases)
        {
            return Refuse(ErrorCodes.TooManyAliases, $"The query has {N(aliases)} aliased fields; at most {N(limits.GraphQLMaxAliases)}. Ask for less in one request.");
        }
        var (fields, depth) = Expand(document);
        if (depth > limits.GraphQLMaxDepth)
        {
            return Refuse(ErrorCodes.TooDeep, $"The query nests fields {depth} deep; the depth limit is {limits.GraphQLMaxDepth}.");
        }
        if (fields > limits.GraphQLMaxExpandedFields)
        {
            return Refuse(ErrorCodes.Complexity,
                $"The query asks for {(fields == long.MaxValue ? "too many" : N(fields))} fields once its fragments are spread; at most {N(limits.GraphQLMaxExpandedFields)}.");
        }
        var repeats = CountRepeats(document, limits);
        if (repeats > limits.GraphQLMaxRepeatedFields)
        {
            // Counting stops past the limit, so the message gives the limit, not a count.
            return Refuse(ErrorCodes.RepeatedFields,
                $"The query asks more than {N(limits.GraphQLMaxRepeatedFields)} times for fields it already asks for in the same place (the same name, directly, through fragments or in fields of one name, which merge). Ask for each field once.");
        }
        return (document, null);
    }

    /// <summary>
    /// Reads the text token by token as the parser will, counting tokens and directives (<c>@</c>), and stops at the
    /// first limit it goes over; null when the text is within both. Linear in the text, and it allocates nothing but
    /// the values of string tokens.
    /// </summary>
    private static ExecutionError? Lex(string text, GraphQLLimits limits)
    {
        var (tokens, directives, at) = (0, 0, 0);
        while (true)
        {
            var token = Lexer.Lex(text, at);
            if (token.Kind == TokenKind.EOF) return null;
            at = token.End;
            if (token.Kind == TokenKind.COMMENT) continue;
            if (++tokens > limits.GraphQLMaxTokens)
            {
                return GraphQLErrors.Of(ErrorCodes.TooManyTokens,
                    $"The query has more than {N(limits.GraphQLMaxTokens)} tokens (names, values and punctuation). Ask for less in one request.");
            }
            if (token.Kind == TokenKind.AT && ++directives > limits.GraphQLMaxDirectives)
            {
                return GraphQLErrors.Of(ErrorCodes.TooManyDirectives, $"The query has more than {N(limits.GraphQLMaxDirectives)} directives.");
            }
        }
    }

    /// <summary>Aliased fields as written (a fragment counts once, however often it is spread).</summary>
    private static int CountAliases(GraphQLDocument document)
    {
        var count = 0;
        void Count(GraphQLSelectionSet? set)
        {
            if (set is null) return;
            foreach (var selection in set.Selections)
            {
                switch (selection)
                {
                    case GraphQLField field:
                        if (field.Alias is not null) count++;
                        Count(field.SelectionSet);
                        break;
                    case GraphQLInlineFragment inline:
                        Count(inline.SelectionSet);
                        break;
                }
            }
        }
        foreach (var definition in document.Definitions)
        {
            Count(definition switch
            {
                GraphQLOperationDefinition operation => operation.SelectionSet,
                GraphQLFragmentDefinition fragment => fragment.SelectionSet,
                _ => null,
            });
        }
        return count;
    }

    /// <summary>
    /// How many fields the document's operations ask for with every fragment spread (each fragment measured once and
    /// remembered, so this is linear in the text however the fragments multiply), and how deep fields with
    /// selections nest through fragments: a field with a selection set is one level, as GraphQL.NET's complexity
    /// analyzer counts.
    /// </summary>
    private static (long Fields, int Depth) Expand(GraphQLDocument document)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>()) fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        var measured = new Dictionary<string, (long Fields, int Depth)>(StringComparer.Ordinal);

        (long Fields, int Depth) Measure(GraphQLSelectionSet? set)
        {
            if (set is null) return (0, 0);
            (long Fields, int Depth) total = (0, 0);
            foreach (var selection in set.Selections)
            {
                (long Fields, int Depth) measure = selection switch
                {
                    GraphQLField { SelectionSet: { } children } => Nested(Measure(children)),
                    GraphQLField => (1, 0),
                    GraphQLInlineFragment inline => Measure(inline.SelectionSet),
                    GraphQLFragmentSpread spread => Fragment(spread.FragmentName.Name.StringValue),
                    _ => (0, 0),
                };
                total = (Add(total.Fields, measure.Fields), Math.Max(total.Depth, measure.Depth));
            }
            return total;
        }
        static (long Fields, int Depth) Nested((long Fields, int Depth) children) => (Add(1, children.Fields), children.Depth + 1);
        (long Fields, int Depth) Fragment(string name)
        {
            if (measured.TryGetValue(name, out var known)) return known;
            measured[name] = (0, 0); // a cycle counts nothing here; validation refuses it
            return measured[name] = fragments.TryGetValue(name, out var fragment) ? Measure(fragment.SelectionSet) : (0, 0);
        }

        (long Fields, int Depth) all = (0, 0);
        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            var (fields, depth) = Measure(operation.SelectionSet);
            all = (Add(all.Fields, fields), Math.Max(all.Depth, depth));
        }
        return all;
    }

    /// <summary>
    /// How many fields repeat a response name already selected in the same place, where GraphQL.NET's rule for
    /// mergeable fields compares them pairwise: the fields of a selection set, its inline fragments and the fragments
    /// it spreads, then, level by level, the selections of all fields of one name together (they merge into one
    /// object in the answer). It visits each field of the document with its fragments spread once, and is called
    /// only once that number is known to be within <see cref="GraphQLLimits.GraphQLMaxExpandedFields"/>; fragments
    /// that spread themselves (which validation refuses) are cut off at that number. Stops counting at the limit.
    /// </summary>
    private static long CountRepeats(GraphQLDocument document, GraphQLLimits limits)
    {
        var fragments = new Dictionary<string, GraphQLFragmentDefinition>(StringComparer.Ordinal);
        foreach (var fragment in document.Definitions.OfType<GraphQLFragmentDefinition>()) fragments.TryAdd(fragment.FragmentName.Name.StringValue, fragment);
        long repeats = 0, visited = 0;

        // False when the walk must stop: over a limit, or going round a cycle of fragments.
        bool Merge(List<GraphQLSelectionSet> sets, int depth)
        {
            if (depth > limits.GraphQLMaxDepth + 1) return true; // deeper is only reached through a cycle; validation refuses it
            var groups = new Dictionary<string, List<GraphQLSelectionSet>>(StringComparer.Ordinal);
            var spread = new HashSet<string>(StringComparer.Ordinal);
            bool Collect(GraphQLSelectionSet set)
            {
                foreach (var selection in set.Selections)
                {
                    switch (selection)
                    {
                        case GraphQLField field:
                            if (++visited > limits.GraphQLMaxExpandedFields)
                            {
                                repeats = long.MaxValue;
                                return false;
                            }
                            var name = (field.Alias?.Name ?? field.Name).StringValue;
                            if (!groups.TryGetValue(name, out var selections)) groups[name] = selections = [];
                            else if (++repeats > limits.GraphQLMaxRepeatedFields) return false;
                            if (field.SelectionSet is { } children) selections.Add(children);
                            break;
                        case GraphQLInlineFragment inline:
                            if (!Collect(inline.SelectionSet)) return false;
                            break;
                        case GraphQLFragmentSpread fragmentSpread:
                            var fragmentName = fragmentSpread.FragmentName.Name.StringValue;
                            if (spread.Add(fragmentName) && fragments.TryGetValue(fragmentName, out var fragment) && !Collect(fragment.SelectionSet)) return false;
                            break;
                    }
                }
                return true;
            }
            foreach (var set in sets)
            {
                if (!Collect(set)) return false;
            }
            foreach (var selections in groups.Values)
            {
                if (selections.Count > 0 && !Merge(selections, depth + 1)) return false;
            }
            return true;
        }

        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            if (!Merge([operation.SelectionSet], 1)) break;
        }
        return repeats;
    }

    private static long Add(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;

    private static (GraphQLDocument?, ExecutionError?) Refuse(string code, string message) => (null, GraphQLErrors.Of(code, message));

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

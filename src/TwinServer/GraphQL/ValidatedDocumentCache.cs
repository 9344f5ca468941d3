using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Keeps the parsed documents of queries that passed validation, by their text, so that the same question asked
/// again (a city system asking responsibility at a thousand points) is neither parsed nor validated again: only the
/// <see cref="ExecutionOptions.CachedDocumentValidationRules"/> (the complexity limit, GET's queries-only rule) and
/// the callers' roles for its root fields (RoleRule.Refusal) run on a document from here, as GraphQL.NET's own document cache does. Variables are still coerced for every request, and
/// what depends on them is checked by the resolvers themselves (page sizes, CRS, GeoJSON). Bounded: it starts over
/// when full.
/// </summary>
internal sealed class ValidatedDocumentCache : IConfigureExecution
{
    private const int Capacity = 2000;
    private const int MaxQueryLength = 20_000;
    private readonly ConcurrentDictionary<string, GraphQLDocument> documents = new(StringComparer.Ordinal);

    /// <summary>The most fields a document may ask for with its fragments spread out.</summary>
    public const long MaxExpandedFields = 50_000;

    public float SortOrder => 200;

    /// <summary>How many fields the document's operations ask for with every fragment spread, each fragment counted once (memoised).</summary>
    internal static long ExpandedFields(GraphQLDocument document)
    {
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue, StringComparer.Ordinal);
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        long Size(GraphQLSelectionSet? set)
        {
            if (set is null) return 0;
            long total = 0;
            foreach (var selection in set.Selections)
            {
                var size = selection switch
                {
                    GraphQLField field => 1 + Size(field.SelectionSet),
                    GraphQLInlineFragment inline => Size(inline.SelectionSet),
                    GraphQLFragmentSpread spread => Fragment(spread.FragmentName.Name.StringValue),
                    _ => 0,
                };
                total = size > long.MaxValue - total ? long.MaxValue : total + size;
            }
            return total;
        }
        long Fragment(string name)
        {
            if (sizes.TryGetValue(name, out var known)) return known;
            sizes[name] = 0; // a cycle counts nothing here; validation refuses it
            return sizes[name] = fragments.TryGetValue(name, out var fragment) ? Size(fragment.SelectionSet) : 0;
        }
        long sum = 0;
        foreach (var operation in document.Definitions.OfType<GraphQLOperationDefinition>())
        {
            var size = Size(operation.SelectionSet);
            sum = size > long.MaxValue - sum ? long.MaxValue : sum + size;
        }
        return sum;
    }

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var query = options.Query;
        if (options.Document is null && query is not null && options.Schema is { } schema && documents.TryGetValue(query, out var cached))
        {
            // Validated before, perhaps for another caller: who may ask its root fields is checked again (RoleRule).
            var refusal = RoleRule.Refusal(cached, options.OperationName, schema, options.User);
            if (refusal is not null && refusal != RoleRule.Undecided) return new ExecutionResult { Errors = [refusal], Executed = false };
            if (refusal is null)
            {
                options.Document = cached;
                options.ValidationRules = options.CachedDocumentValidationRules ?? [];
            }
        }
        else if (options.Document is null && query is not null)
        {
            // A new text: parsed here, once, and measured before anything else looks at it. Fragments spread within
            // fragments multiply (3 spreads 30 deep is 3^30 fields in a 2 kB text), and validation would walk every one.
            GraphQLDocument? parsed = null;
            try
            {
                parsed = GraphQLParser.Parser.Parse(query);
            }
            catch (GraphQLParser.Exceptions.GraphQLParserException)
            {
                // The executer parses it again and reports the syntax error as the specification says.
            }
            if (parsed is not null)
            {
                if (ExpandedFields(parsed) is var fields && fields > MaxExpandedFields)
                {
                    return new ExecutionResult
                    {
                        Errors = [new ExecutionError($"The query asks for {(fields == long.MaxValue ? "too many" : fields.ToString("N0", System.Globalization.CultureInfo.InvariantCulture))} fields once its fragments are spread; at most {MaxExpandedFields:N0}.") { Code = "COMPLEXITY" }],
                        Executed = false,
                    };
                }
                options.Document = parsed;
            }
        }
        var result = await next(options);
        if (result.Executed && query is not null && query.Length <= MaxQueryLength && result.Document is { } document && !documents.ContainsKey(query))
        {
            if (documents.Count >= Capacity) documents.Clear();
            documents.TryAdd(query, document);
        }
        return result;
    }
}

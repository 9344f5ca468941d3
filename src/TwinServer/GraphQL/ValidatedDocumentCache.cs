using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Keeps the parsed documents of queries that passed validation, by their text, so that the same question asked
/// again (a city system asking responsibility at a thousand points) is neither parsed nor validated again: only the
/// <see cref="ExecutionOptions.CachedDocumentValidationRules"/> (the complexity limit, GET's queries-only rule) and
/// the callers' roles for its root fields (RoleRule.Refusal) run on a document from here, as GraphQL.NET's own document cache does. Variables are still coerced for every request, and
/// what depends on them is checked by the resolvers themselves (page sizes, CRS, GeoJSON). Bounded: it starts over
/// when full.
/// </summary>
internal sealed class ValidatedDocumentCache(IOptions<GraphQLLimits> limits) : IConfigureExecution
{
    private const int Capacity = 2000;
    private const int MaxQueryLength = 20_000;
    private readonly ConcurrentDictionary<string, GraphQLDocument> documents = new(StringComparer.Ordinal);
    private readonly GraphQLLimits limits = limits.Value;

    public float SortOrder => 200;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var query = options.Query;
        if (options.Document is not null || query is null) return await next(options);
        if (options.Schema is { } schema && documents.TryGetValue(query, out var cached)
            && RoleRule.Refusal(cached, options.OperationName, schema, options.User) is var refusal && refusal != RoleRule.Undecided)
        {
            // Validated before, perhaps for another caller: who may ask its root fields is checked again (RoleRule).
            if (refusal is not null) return new ExecutionResult { Errors = [refusal], Executed = false };
            options.Document = cached;
            options.ValidationRules = options.CachedDocumentValidationRules ?? [];
        }
        else
        {
            // A new text (or one whose roles the quick check cannot decide): parsed here, within the limits on what
            // feeds validation (DocumentLimits), and validated in full.
            var (parsed, limit) = DocumentLimits.Parse(query, limits);
            if (limit is not null) return new ExecutionResult { Errors = [limit], Executed = false };
            options.Document = parsed;
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

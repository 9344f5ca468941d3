using System.ComponentModel.DataAnnotations;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// What one GraphQL request may cost, from the <c>Access</c> section (<c>Access:GraphQLMaxTokens</c>, or
/// <c>Access__GraphQLMaxTokens</c> in the environment). The defaults let GraphiQL's own introspection query through with
/// room to spare. Each limit is checked before the work it bounds starts (the answer's, as it is built and written),
/// and is documented in docs/api-graphql.md with its default.
/// </summary>
internal sealed class GraphQLLimits
{
    /// <summary>The time a request may take, from the start of parsing to the last resolver; then it answers TIMEOUT.</summary>
    [Range(0.001, 3600)]
    public double GraphQLTimeoutSeconds { get; set; } = 30;

    /// <summary>Characters in the query text. A GeoJSON literal at its own limit (1,000,000 characters, escaped) fits.</summary>
    [Range(1, int.MaxValue)]
    public int GraphQLMaxDocumentCharacters { get; set; } = 1_500_000;

    /// <summary>
    /// Tokens (names, values, punctuation; comments not counted) in the query text, counted before it is parsed.
    /// GraphiQL's introspection query has 163; graphql-java refuses more than 15,000 by default, as we do.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int GraphQLMaxTokens { get; set; } = 15_000;

    /// <summary>Directives (<c>@skip</c>, <c>@include</c>) in the query text, counted before it is parsed.</summary>
    [Range(0, int.MaxValue)]
    public int GraphQLMaxDirectives { get; set; } = 100;

    /// <summary>Aliased fields in the query text: each asks again for what the complexity limit may not see (introspection).</summary>
    [Range(0, int.MaxValue)]
    public int GraphQLMaxAliases { get; set; } = 1_000;

    /// <summary>
    /// Fragment definitions in the query text: validation compares the fields of every two fragments spread in one
    /// place. GraphiQL's introspection query has three.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int GraphQLMaxFragments { get; set; } = 100;

    /// <summary>
    /// How deep fields with selections nest, through fragments (as GraphQL.NET's complexity analyzer counts depth).
    /// GraphiQL's introspection query is 14 deep.
    /// </summary>
    [Range(1, 100)]
    public int GraphQLMaxDepth { get; set; } = 15;

    /// <summary>Fields the operations ask for with every fragment spread out; fragments spread within fragments multiply.</summary>
    [Range(1, long.MaxValue)]
    public long GraphQLMaxExpandedFields { get; set; } = 50_000;

    /// <summary>
    /// Fields asked for again, under a response name already asked for in the same place (directly, in nested
    /// selections of fields of that name, or through fragments): validation compares every two of them, so their
    /// number is held low. GraphiQL's introspection query repeats none.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int GraphQLMaxRepeatedFields { get; set; } = 100;

    /// <summary>GraphQL.NET's complexity estimate (fields weighted by list sizes; introspection is exempt, and is held by the answer limits).</summary>
    [Range(1, int.MaxValue)]
    public int GraphQLMaxComplexity { get; set; } = 20_000;

    /// <summary>
    /// Values in an answer (every field and every list item), counted while it is built: an answer that would have
    /// more is stopped at once and answered RESPONSE_TOO_LARGE. GraphiQL's introspection is about 5,000 (100 kB).
    /// </summary>
    [Range(1, int.MaxValue)]
    public int GraphQLMaxResponseValues { get; set; } = 500_000;

    /// <summary>Bytes of an answer's JSON, counted while it is written: more is answered RESPONSE_TOO_LARGE instead.</summary>
    [Range(1, int.MaxValue)]
    public int GraphQLMaxResponseBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>
    /// New documents (not yet validated, so not in the cache) validated at once; others wait, within their deadline.
    /// Validation cannot be interrupted inside one of GraphQL.NET's rules, so this bounds the cores that hostile
    /// documents can hold. Half the cores by default, at least one.
    /// </summary>
    [Range(1, 1024)]
    public int GraphQLParallelValidations { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    public TimeSpan Timeout => TimeSpan.FromSeconds(GraphQLTimeoutSeconds);
}

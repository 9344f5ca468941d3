using System.Text.Json;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQL.Transport;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// GraphQL over HTTP, after the GraphQL-over-HTTP specification: POST with <c>application/json</c>, GET for queries
/// only, and the <c>application/graphql-response+json</c> media type with status codes that tell request errors
/// (400) from execution results (200). Clients that accept only <c>application/json</c> get 200 with errors in the body.
/// A browser that opens <c>/graphql</c> gets GraphiQL, bundled at build time into <c>wwwroot/graphiql</c> (see GraphiQL/build.mjs).
/// </summary>
internal static class GraphQLEndpoint
{
    public const string ResponseMediaType = "application/graphql-response+json";

    /// <summary>Who may ask anything at all: the readers of map data (cases and the audit log narrow it further, field by field).</summary>
    public static readonly string[] Callers = RoleRule.Readers;

    /// <summary>A request body above this is refused with 413 (a 1 MB GeoJSON filter fits).</summary>
    public const long MaxBodyBytes = 2 * 1024 * 1024;

    public static IServiceCollection AddTwinGraphQL(this IServiceCollection services)
    {
        services.AddOptions<GraphQLLimits>().BindConfiguration("Access").ValidateDataAnnotations().ValidateOnStart();
        services.AddGraphQL(b => b
            .AddSchema<TwinSchema>()
            .AddGraphTypes(typeof(TwinSchema).Assembly)
            // å, ä and ö go out as themselves, not as \u escapes: the responses are JSON, never HTML.
            .AddSystemTextJson(o => o.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
            .AddErrorInfoProvider(o =>
            {
                o.ExposeExtensions = true;
                o.ExposeData = true; // a refusal's details a client acts on (e.g. the case as it is now, for STALE_CASE)
            })
            // Total fields (aliases count) weighted by lists; the depth is limited before, with the document (DocumentLimits).
            .AddComplexityAnalyzer((o, provider) =>
            {
                var limit = provider.GetRequiredService<IOptions<GraphQLLimits>>().Value.GraphQLMaxComplexity;
                // Introspection (GraphiQL, code generators) reads no data and its lists are the schema's, which the
                // estimate cannot know (it takes 20 items a list): it is held by the depth and the answer's limits instead.
                o.ValidateComplexityDelegate = context =>
                {
                    var introspection = context.ValidationContext.Operation.SelectionSet.Selections
                        .All(s => s is GraphQLField f && f.Name.Value.Span.StartsWith("__"));
                    if (!introspection && context.TotalImpact > limit)
                    {
                        context.Error = new global::GraphQL.Validation.ValidationError(
                            $"Query is too complex to execute: complexity {context.TotalImpact:N0}, at most {limit:N0}. Ask for fewer fields or smaller pages.")
                        { Code = ErrorCodes.Complexity };
                    }
                    return Task.CompletedTask;
                };
            })
            .ConfigureExecutionOptions(o =>
            {
                o.MaxParallelExecutionCount = 4;
                // Resolvers throw their refusals; they are answered with their codes here, in one place.
                o.UnhandledExceptionDelegate = GraphQLErrors.MapUnhandledAsync;
            })
            // GraphQL.NET's strategies, counting each value of the answer as it is built (ResponseBudget).
            .AddExecutionStrategy<BudgetedParallelExecutionStrategy>(OperationType.Query)
            .AddExecutionStrategy<BudgetedSerialExecutionStrategy>(OperationType.Mutation)
            .ConfigureExecution<ValidatedDocumentCache>());
        return services;
    }

    public static void MapTwinGraphQL(this WebApplication app)
    {
        app.MapMethods("/graphql", [HttpMethods.Get, HttpMethods.Post], HandleAsync)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes));
    }

    /// <summary>One GraphQL request as the route runs it (also the warm-up's, with a context of its own).</summary>
    internal static Task HandleAsync(HttpContext http) => HandleAsync(http, http.RequestServices.GetRequiredService<IGraphQLTextSerializer>(),
        http.RequestServices.GetRequiredService<IDocumentExecuter<TwinSchema>>(), http.RequestServices.GetRequiredService<IOptions<GraphQLLimits>>());

    private static async Task HandleAsync(HttpContext http, IGraphQLTextSerializer serializer, IDocumentExecuter<TwinSchema> executer, IOptions<GraphQLLimits> limitOptions)
    {
        var limits = limitOptions.Value;
        if (IsBrowserOpeningThePage(http.Request))
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(GraphiQLPage, http.RequestAborted);
            return;
        }

        var mediaType = ChooseMediaType(http.Request);
        if (mediaType is null)
        {
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status406NotAcceptable, "application/json",
                ErrorCodes.NotAcceptable, $"This endpoint answers with {ResponseMediaType} or application/json; the Accept header allows neither.");
            return;
        }

        if (await http.AuthenticationFailureAsync() is { } refused)
        {
            // A bad key is not the same as no key: the caller would get less than it expects, and not know why.
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status401Unauthorized, mediaType, ErrorCodes.Unauthenticated, refused);
            return;
        }
        if (!http.User.IsSignedIn())
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status401Unauthorized, mediaType, ErrorCodes.Unauthenticated,
                "GraphQL needs a key (Authorization: Bearer KEY, or X-Api-Key: KEY; ./twin key add) or a signed-in session (/signin).");
            return;
        }
        if (!Callers.Any(http.User.IsInRole))
        {
            // Decided by the caller alone, before the body is read: a caller with no business here costs no parsing,
            // and every document it sends gets the same answer.
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status403Forbidden, mediaType, ErrorCodes.Forbidden,
                "GraphQL is for handlers, GIS staff, admins, contractors and city systems; a citizen app posts its reports through Open311 (/open311/v2/requests.json).");
            return;
        }

        GraphQLRequest? request;
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status413PayloadTooLarge, mediaType,
                ErrorCodes.RequestTooLarge, $"The request body is larger than {MaxBodyBytes / 1024 / 1024} MB.");
            return;
        }
        if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!IsJson(http.Request.ContentType))
            {
                await WriteRequestErrorAsync(http, serializer, StatusCodes.Status415UnsupportedMediaType, mediaType,
                    ErrorCodes.UnsupportedMediaType, "POST a JSON body with Content-Type: application/json.");
                return;
            }
            try
            {
                request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await WriteRequestErrorAsync(http, serializer, e.StatusCode, mediaType,
                    ErrorCodes.RequestTooLarge, $"The request body is larger than {MaxBodyBytes / 1024 / 1024} MB.");
                return;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or FormatException)
            {
                await WriteRequestErrorAsync(http, serializer, StatusCodes.Status400BadRequest, mediaType,
                    ErrorCodes.MalformedRequest, $"The request body is not a GraphQL request in JSON: {e.Message}");
                return;
            }
        }
        else
        {
            var query = http.Request.Query;
            Inputs? variables = null;
            if (query.TryGetValue("variables", out var variablesText) && !StringValues.IsNullOrEmpty(variablesText))
            {
                try
                {
                    variables = serializer.Deserialize<Inputs>(variablesText.ToString());
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or FormatException)
                {
                    await WriteRequestErrorAsync(http, serializer, StatusCodes.Status400BadRequest, mediaType,
                        ErrorCodes.MalformedRequest, $"The variables parameter is not a JSON object: {e.Message}");
                    return;
                }
            }
            request = new GraphQLRequest
            {
                Query = query["query"].ToString(),
                OperationName = query.TryGetValue("operationName", out var name) && !StringValues.IsNullOrEmpty(name) ? name.ToString() : null,
                Variables = variables,
            };
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Query))
        {
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status400BadRequest, mediaType,
                ErrorCodes.MissingQuery, "The request has no query. Send {\"query\": \"{ layers { name } }\"}.");
            return;
        }

        var isGet = HttpMethods.IsGet(http.Request.Method);
        // No request runs for ever: after Access:GraphQLTimeoutSeconds (30) it is stopped, its SQL cancelled.
        var timeout = limits.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(timeout);
        // An answer that grows past its limit stops the request as the deadline does (ResponseBudget).
        var budget = new ResponseBudget(limits.GraphQLMaxResponseValues, deadline);
        var options = new BudgetedExecutionOptions
        {
            Budget = budget,
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = deadline.Token,
            // GET must never change anything: only queries are allowed there. Who may ask what is checked always.
            ValidationRules = isGet ? GetRules : PostRules,
            // A cached document was validated already, but perhaps under POST (and for another caller: the cache
            // checks the roles of its root fields itself, cheaply).
            CachedDocumentValidationRules = isGet ? CachedGetRules : [],
        };
        ExecutionResult? result = null;
        try
        {
            result = await executer.ExecuteAsync(options);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
        }
        // Too large, or out of time wherever it was (parsing, validation, a resolver's SQL, or GraphQL.NET's own
        // handling of the cancellation): an execution error (200), not a request error: the request was good, the
        // server gave up on it.
        if (budget.Exceeded)
        {
            result = TooLarge($"The answer would have more than {budget.MaxValues:N0} values (fields and list items) and was stopped; ask for less (fewer fields, smaller pages).");
        }
        else if (result is null || (deadline.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested && result.Errors is { Count: > 0 }))
        {
            result = new ExecutionResult
            {
                Executed = true,
                Errors = [GraphQLErrors.Of(ErrorCodes.Timeout, $"The request ran longer than {timeout.TotalSeconds:0.###} s and was stopped; ask for less (a smaller area, a smaller page).")],
            };
        }

        // Reads of personal data are in the audit log before the answer leaves.
        await http.RequestServices.GetRequiredService<PersonalDataReads>().FlushAsync(http.User, http.Connection.RemoteIpAddress?.ToString(), CancellationToken.None);

        var status = StatusCodes.Status200OK;
        if (result.Errors?.Any(e => e is QueriesOnlyError) == true)
        {
            status = StatusCodes.Status405MethodNotAllowed;
            http.Response.Headers.Allow = "POST";
        }
        else if (result.Errors?.Any(e => e.Code == ErrorCodes.DatabaseUnavailable) == true)
        {
            // Whatever else the answer holds, the caller should ask again once the database is back.
            status = StatusCodes.Status503ServiceUnavailable;
            DatabaseFaults.Answer(http);
        }
        else if (!result.Executed && mediaType == ResponseMediaType)
        {
            status = StatusCodes.Status400BadRequest;
        }
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        // Written in full before it is sent, so that an answer that turns out too large is replaced by the error
        // rather than cut off in the middle; the buffer stops growing at the limit.
        using var answer = new CappedBufferStream(limits.GraphQLMaxResponseBytes);
        try
        {
            await serializer.WriteAsync(answer, result, http.RequestAborted);
        }
        catch (ResponseTooLargeException)
        {
            answer.Clear();
            await serializer.WriteAsync(answer, TooLarge($"The answer is larger than {limits.GraphQLMaxResponseBytes:N0} bytes; ask for less (fewer fields, smaller pages, simpler geometry)."), http.RequestAborted);
        }
        http.Response.ContentLength = answer.Length;
        await answer.SendAsync(http.Response.Body, http.RequestAborted);
    }

    private static ExecutionResult TooLarge(string message) => new()
    {
        Executed = true,
        Errors = [GraphQLErrors.Of(ErrorCodes.ResponseTooLarge, message)],
    };

    // The rules of a request, made once: the core rules, who may ask what (always), and for GET only queries.
    private static readonly global::GraphQL.Validation.IValidationRule[] PostRules = [.. global::GraphQL.Validation.DocumentValidator.CoreRules, RoleRule.Instance];
    private static readonly global::GraphQL.Validation.IValidationRule[] GetRules = [.. PostRules, new QueriesOnlyRule()];
    private static readonly global::GraphQL.Validation.IValidationRule[] CachedGetRules = [new QueriesOnlyRule()];

    /// <summary>
    /// A GET without a query from a client that prefers HTML to every GraphQL media type: a browser's address bar.
    /// API clients (no Accept, <c>*/*</c>, JSON first) still get GraphQL over HTTP.
    /// </summary>
    private static bool IsBrowserOpeningThePage(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method) || request.Query.ContainsKey("query")) return false;
        foreach (var value in request.GetTypedHeaders().Accept.OrderByDescending(a => a.Quality ?? 1.0))
        {
            var type = value.MediaType.Value;
            if (type is null || value.Quality == 0) continue;
            if (type.Equals("text/html", StringComparison.OrdinalIgnoreCase)) return true;
            if (type.Equals(ResponseMediaType, StringComparison.OrdinalIgnoreCase) || type is "*/*" or "application/*"
                || type.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return false;
        }
        return false;
    }

    /// <summary>The page around the bundle; scripts and styles are static files under <c>/graphiql/</c>.</summary>
    private const string GraphiQLPage = $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>DigitalTwin GraphiQL</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <link rel="stylesheet" href="/graphiql/graphiql.css">
        {{MapUi.PageIcon.Link}}
        <style>html,body,#graphiql{height:100%;margin:0}</style>
        <script type="module" src="/graphiql/graphiql.js"></script></head>
        <body><div id="graphiql">Loading GraphiQL…</div></body></html>
        """;

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The response media type the client accepts; the GraphQL one by default. A request without Accept names no
    /// preference (RFC 9110, 12.5.1: it accepts any type), nor does a wildcard (<c>*/*</c>, <c>application/*</c>); both
    /// get <c>application/graphql-response+json</c>, as the GraphQL-over-HTTP specification says since its legacy
    /// watershed (2025-01-01). This is deliberate: the graphql-http audit (1.23.1) still expects the pre-watershed
    /// <c>application/json</c> there and reports two SHOULD warnings, 80D8 and 47DE (GraphQLOverHttpAuditTests).
    /// Clients that want <c>application/json</c>, with its 200 for a document that fails validation, ask for it.
    /// </summary>
    private static string? ChooseMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0) return ResponseMediaType;
        foreach (var value in accept.OrderByDescending(a => a.Quality ?? 1.0))
        {
            var type = value.MediaType.Value;
            if (type is null || value.Quality == 0) continue;
            if (type.Equals(ResponseMediaType, StringComparison.OrdinalIgnoreCase) || type is "*/*" or "application/*") return ResponseMediaType;
            if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)) return "application/json";
        }
        return null;
    }

    /// <summary>
    /// A refusal met before the request ran, answered outside the endpoint (an unavailable database when its key was
    /// looked up: 503; a rate limit): a GraphQL request error with the refusal's status.
    /// </summary>
    internal static Task WriteRefusalAsync(HttpContext http, TwinException refusal) =>
        WriteRequestErrorAsync(http, http.RequestServices.GetRequiredService<IGraphQLTextSerializer>(), refusal.Status,
            ChooseMediaType(http.Request) ?? ResponseMediaType, refusal.Code, refusal.Message);

    private static async Task WriteRequestErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, string mediaType, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = mediaType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, new ExecutionResult { Errors = [GraphQLErrors.Of(code, message)] }, http.RequestAborted);
    }

    /// <summary>Refuses mutations and subscriptions in a GET request.</summary>
    private sealed class QueriesOnlyRule : global::GraphQL.Validation.ValidationRuleBase
    {
        public override ValueTask<global::GraphQL.Validation.INodeVisitor?> GetPreNodeVisitorAsync(global::GraphQL.Validation.ValidationContext context)
        {
            var operation = context.Operation;
            if (operation.Operation != OperationType.Query)
            {
                context.ReportError(new QueriesOnlyError(context, operation));
            }
            return default;
        }
    }

    private sealed class QueriesOnlyError(global::GraphQL.Validation.ValidationContext context, GraphQLOperationDefinition operation)
        : global::GraphQL.Validation.ValidationError(context.Document.Source, ErrorCodes.MethodNotAllowed,
            $"A {operation.Operation.ToString().ToLowerInvariant()} cannot be sent with GET; use POST.", operation);
}

using System.Collections.Concurrent;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQLParser.AST;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Keeps the parsed documents of queries that passed validation, by their text, so that the same question asked
/// again (a city system asking responsibility at a thousand points) is neither parsed nor validated again: only the
/// <see cref="ExecutionOptions.CachedDocumentValidationRules"/> (GET's queries-only rule) and the callers' roles for
/// its root fields (RoleRule.Refusal) run on a document from here, as GraphQL.NET's own document cache does. Variables
/// are still coerced for every request, and what depends on them is checked by the resolvers themselves (page sizes,
/// CRS, GeoJSON); their text is checked here, for every request (<see cref="ArgumentText"/>). A text not seen before is
/// parsed and measured within the limits (<see cref="DocumentLimits"/>), its string literals checked, and it is
/// validated under the request's deadline (<see cref="ValidateWithinDeadlineAsync"/>). Bounded: it starts over when
/// full.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds nothing to release unless its AvailableWaitHandle is asked for, and it is not; the cache lives as long as the server.")]
internal sealed class ValidatedDocumentCache(IOptions<GraphQLLimits> limits) : IConfigureExecution
{
    private const int Capacity = 2000;
    private const int MaxQueryLength = 20_000;
    private readonly ConcurrentDictionary<string, GraphQLDocument> documents = new(StringComparer.Ordinal);
    private readonly GraphQLLimits limits = limits.Value;
    private readonly SemaphoreSlim validations = new(limits.Value.GraphQLParallelValidations);

    public float SortOrder => 200;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var query = options.Query;
        if (ArgumentText.InVariables(options.Variables) is { } badVariable) return new ExecutionResult { Errors = [badVariable], Executed = false };
        if (options.Document is not null || query is null) return await next(options);
        var fresh = false;
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
            if (ArgumentText.InDocument(parsed!) is { } badLiteral) return new ExecutionResult { Errors = [badLiteral], Executed = false };
            options.Document = parsed;
            options.ValidationRules = [DeadlineRule.Instance, .. options.ValidationRules ?? DocumentValidator.CoreRules];
            fresh = true;
        }
        var result = fresh ? await ValidateWithinDeadlineAsync(options, next) : await next(options);
        if (result.Executed && query.Length <= MaxQueryLength && result.Document is { } document && !documents.ContainsKey(query))
        {
            if (documents.Count >= Capacity) documents.Clear();
            documents.TryAdd(query, document);
        }
        return result;
    }

    /// <summary>
    /// Validates a new document under the request's deadline, as execution runs under it. GraphQL.NET's validation
    /// looks at the cancellation token nowhere, and some of its rules work long inside one step; so it runs on a task
    /// of its own, and the request waits for it no longer than the deadline (then the answer is TIMEOUT, at once). The
    /// validation left behind stops at its next node (<see cref="DeadlineRule"/>), and the limits on the document
    /// (<see cref="DocumentLimits"/>) bound how long one step can take; at most
    /// <see cref="GraphQLLimits.GraphQLParallelValidations"/> run at once, so documents made to be slow hold no more
    /// cores than that, whatever their number, and cached documents (the look-ups) never wait for them. Execution,
    /// once validation is done, is awaited as before: it stops at the deadline itself, and a mutation is never left
    /// running behind an answer that says it timed out.
    /// </summary>
    private async Task<ExecutionResult> ValidateWithinDeadlineAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        var deadline = options.CancellationToken;
        await validations.WaitAsync(deadline);
        var released = 0;
        var validated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) validations.Release();
            validated.TrySetResult();
        }
        options.Listeners.Add(new AfterValidation(Release));
        var run = Task.Run(() => next(options), CancellationToken.None);
        // Also when validation throws (the deadline at a node) and no listener hears of it; and the exception of a
        // task that nobody awaits any more is observed here.
        _ = run.ContinueWith(static (task, release) =>
        {
            ((Action)release!)();
            _ = task.Exception;
        }, (Action)Release, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        await Task.WhenAny(validated.Task, run).WaitAsync(deadline);
        return await run;
    }

    private sealed class AfterValidation(Action done) : DocumentExecutionListenerBase
    {
        public override Task AfterValidationAsync(IExecutionContext context, IValidationResult validationResult)
        {
            done();
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// Stops validation at the next node once the request's deadline has passed: GraphQL.NET passes the token to its
/// rules but looks at it nowhere itself. First among the rules, so it looks before the others at each node.
/// </summary>
internal sealed class DeadlineRule : ValidationRuleBase
{
    public static readonly DeadlineRule Instance = new();

    private static readonly INodeVisitor Visitor = new DeadlineVisitor();

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);

    public override ValueTask<INodeVisitor?> GetPostNodeVisitorAsync(ValidationContext context) => new(Visitor);

    private sealed class DeadlineVisitor : INodeVisitor
    {
        public ValueTask EnterAsync(ASTNode node, ValidationContext context)
        {
            context.CancellationToken.ThrowIfCancellationRequested();
            return default;
        }

        public ValueTask LeaveAsync(ASTNode node, ValidationContext context) => default;
    }
}

using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQL.Execution;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// GraphQL's one mapper of refusals: a <see cref="TwinException"/> becomes an error with its message, its code under
/// <c>extensions.code</c> and its details under <c>extensions.data</c>. Resolvers throw and never catch: every
/// exception a resolver lets out comes to <see cref="MapUnhandledAsync"/> (GraphQL.NET's unhandled exception
/// delegate), which maps refusals and an unavailable database; anything else stays GraphQL.NET's "Error trying to
/// resolve field", with nothing of the server's internals. The endpoint's request errors and the document's limits
/// are made here too.
/// </summary>
internal static class GraphQLErrors
{
    public static ExecutionError Of(TwinException refusal)
    {
        var error = new ExecutionError(refusal.Message) { Code = refusal.Code };
        foreach (var (name, value) in refusal.Details ?? new Dictionary<string, object?>()) error.Data[name] = value;
        return error;
    }

    public static ExecutionError Of(string code, string message) => Of(new TwinException(code, message));

    /// <summary>
    /// A refusal as the client reads it; the database away or out of connections as DATABASE_UNAVAILABLE, which the
    /// endpoint answers with 503 and Retry-After: the caller's cue to try again, not a server error.
    /// </summary>
    public static Task MapUnhandledAsync(UnhandledExceptionContext context)
    {
        if (context.OriginalException is TwinException refusal)
        {
            context.Exception = Of(refusal);
        }
        else if (context.ExecutionOptions.RequestServices is { } services && DatabaseFaults.Handle(context.OriginalException))
        {
            DatabaseFaults.Report(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GraphQLEndpoint)), context.OriginalException);
            context.Exception = Of(ErrorCodes.DatabaseUnavailable, DatabaseFaults.Message(DatabaseFaults.RetryAfterSeconds(services)));
        }
        return Task.CompletedTask;
    }
}

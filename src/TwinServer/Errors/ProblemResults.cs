namespace DigitalTwin.Server.Errors;

/// <summary>
/// Refusals of the REST routes (tiles, layer import, sign-in, access, the exception handler's) as problem+json
/// (RFC 9457): the code's description as the title, the refusal's own sentence as the detail, its status, and the
/// code under <c>code</c> (with <c>data</c> when the refusal carries details), so that a client acts on the code as it
/// does on GraphQL's <c>extensions.code</c>.
/// </summary>
internal static class ProblemResults
{
    public static IResult Of(TwinException refusal)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = refusal.Code };
        if (refusal.Details is { } details) extensions["data"] = details;
        return Results.Problem(title: ErrorCodes.Describe(refusal.Code), detail: refusal.Message, statusCode: refusal.Status, extensions: extensions);
    }

    public static IResult Of(string code, string message, int? status = null) => Of(new TwinException(code, message, status));

    /// <summary>Writes the refusal as the answer, where a middleware or an authentication event answers rather than an endpoint.</summary>
    public static Task WriteAsync(HttpContext http, TwinException refusal) => Of(refusal).ExecuteAsync(http);
}

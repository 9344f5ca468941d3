using System.Collections.Frozen;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Open311;

/// <summary>
/// Open311's one mapper of refusals: the specification's error body, <c>[{"code": 400, "description": "..."}]</c> in
/// JSON and <c>&lt;errors&gt;&lt;error&gt;</c> in XML, with the refusal's HTTP status. The body's code is that status, as
/// clients of the specification read it, except for the refusals no status tells apart (<see cref="NamedCodes"/>),
/// which name themselves as the specification allows ("more specific and unique error code identifiers"). Every
/// refusal's own code (<see cref="ErrorCodes"/>) is in the <see cref="CodeHeader"/> header too, so that a client can act
/// on it as GraphQL's and problem+json's clients do, without a body the specification does not have.
/// </summary>
internal static class Open311Errors
{
    /// <summary>The response header that carries the refusal's code.</summary>
    public const string CodeHeader = "Twin-Error-Code";

    /// <summary>The codes the error body carries instead of the HTTP status: a client can act on them, and no status says as much.</summary>
    private static readonly FrozenSet<string> NamedCodes = new[] { ErrorCodes.BadText, ErrorCodes.IdempotencyKeyReused, ErrorCodes.BadIdempotencyKey }
        .ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The refusal as the specification's error body in the format asked for (json or xml).</summary>
    public static IResult Of(TwinException refusal, string format) => new Refused(refusal,
        Open311Document.Error(refusal.Status, refusal.Message, NamedCodes.Contains(refusal.Code) ? refusal.Code : null).ToResult(format));

    /// <summary>The same, for an answer made outside a route (the exception handler, the rate limiter): the format from the path.</summary>
    public static IResult Of(TwinException refusal, PathString path) =>
        Of(refusal, path.Value?.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) == true ? "xml" : "json");

    /// <summary>The body, with the refusal's code in its header.</summary>
    private sealed class Refused(TwinException refusal, IResult body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers[CodeHeader] = refusal.Code;
            return body.ExecuteAsync(httpContext);
        }
    }
}

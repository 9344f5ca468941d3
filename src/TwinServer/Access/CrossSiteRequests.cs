using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Access;

/// <summary>
/// A session changes nothing at another site's request. A browser sends our session cookie with requests that other
/// sites' pages make, and SameSite=Lax keeps it off only some of them (not a sibling subdomain's, not an old
/// browser's), so every state change that a session would authenticate, whatever its route (layer import, GraphQL
/// mutations, sign-out, the map's own posts), must come from a page of this origin. The browser says where a request
/// comes from: <c>Sec-Fetch-Site</c> (same-origin, or none for the person's own action), else <c>Origin</c> (this
/// origin or one of <c>Access:TrustedOrigins</c>), else <c>Referer</c>. A request that says none of it is not a
/// browser's (a script with a cookie jar) and passes. Callers with a key carry no session, so they are not checked;
/// nor is Open311, which never reads a session.
/// </summary>
internal static class CrossSiteRequests
{
    /// <summary>Paths whose requests a session never authenticates.</summary>
    private static readonly string[] SessionFree = ["/open311"];

    public static void UseTwinCrossSiteRefusal(this WebApplication app)
    {
        // Bad configuration fails at start-up, not at the first refused request.
        var trusted = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>().Value.TrustedOriginUris();
        app.Use(async (http, next) =>
        {
            if (Refusal(http.Request, trusted) is { } why)
            {
                await ProblemResults.WriteAsync(http, new TwinException(ErrorCodes.CrossSiteRequest, why));
                return;
            }
            await next(http);
        });
    }

    /// <summary>Why the request is refused, or null when it may go on.</summary>
    internal static string? Refusal(HttpRequest request, IReadOnlyList<Uri> trusted)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method)) return null;
        if (!request.Cookies.ContainsKey(AccessExtensions.SessionCookie) || AccessExtensions.HasKey(request)) return null;
        if (SessionFree.Any(p => request.Path.StartsWithSegments(p))) return null;

        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0)
        {
            if (site is "same-origin" or "none") return null;
            // A page of a trusted origin (another front end of the city's) is allowed by its Origin, below.
            if (!IsAllowed(request.Headers.Origin.ToString(), request, trusted))
                return $"The browser says this request comes from a {site} page (Sec-Fetch-Site: {site}).";
            return null;
        }
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0)
            return IsAllowed(origin, request, trusted) ? null : $"The request comes from the page of another origin ({(origin == "null" ? "an opaque origin" : origin)}).";
        var referer = request.Headers.Referer.ToString();
        if (referer.Length > 0)
            return IsAllowed(referer, request, trusted) ? null : "The request comes from a page of another origin (by its Referer).";
        return null;
    }

    /// <summary>The origin of the URL (an Origin or a Referer) is this request's own or a trusted one.</summary>
    private static bool IsAllowed(string url, HttpRequest request, IReadOnlyList<Uri> trusted)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var from) || from.Scheme is not ("http" or "https")) return false;
        if (SameOrigin(from, request.Scheme, request.Host.Host, request.Host.Port)) return true;
        return trusted.Any(t => SameOrigin(from, t.Scheme, t.Host, t.Port));
    }

    private static bool SameOrigin(Uri from, string scheme, string host, int? port) =>
        from.Scheme.Equals(scheme, StringComparison.OrdinalIgnoreCase)
        && from.Host.Trim('[', ']').Equals(host.Trim('[', ']'), StringComparison.OrdinalIgnoreCase)
        && from.Port == (port ?? (scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80));
}

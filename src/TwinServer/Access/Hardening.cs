using System.Threading.RateLimiting;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Ui;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;

namespace DigitalTwin.Server.Access;

/// <summary>
/// What every response carries and what no request may exceed: security headers (a content security policy that lets
/// the page load only its own scripts, and the configured basemap's images), a limit on request bodies, a rate limit
/// on Open311 posts, and errors that never show a stack trace or SQL.
/// </summary>
internal static class Hardening
{
    public const string Open311PostLimit = "open311-post";

    public static void AddTwinHardening(this WebApplicationBuilder builder)
    {
        var access = AccessOptions.Read(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = access.MaxRequestBytes);
        builder.Services.AddProblemDetails();
        // Every background loop catches its own failures and goes on; should one ever escape, it is logged and the
        // host keeps serving, rather than every request failing because one worker met one bad item.
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        builder.Services.Configure<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>(o =>
        {
            // Refused for now, said in the caller's terms (Open311's error body there, problem+json elsewhere), with when to try again.
            o.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                http.Response.Headers.RetryAfter = "1";
                await AnswerAsync(http, new TwinException(ErrorCodes.TooManyRequests, "Too many requests from this address; try again in a second."));
            };
            o.AddPolicy(Open311PostLimit, http => RateLimitPartition.GetTokenBucketLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ =>
            {
                // A citizen app posts for all its users from few addresses: the limit is per address and generous
                // (Access:Open311PostsPerSecond, default 2,000), a stop to floods rather than to traffic.
                var perSecond = access.Open311PostsPerSecond;
                return new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perSecond * 2, TokensPerPeriod = perSecond, ReplenishmentPeriod = TimeSpan.FromSeconds(1), QueueLimit = 0, AutoReplenishment = true,
                };
            }));
        });
    }

    public static void UseTwinHardening(this WebApplication app)
    {
        // Behind the balancers named in Access:TrustedProxies, the client is who they say it is; nobody else is believed.
        var proxies = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AccessOptions>>().Value.TrustedProxies;
        if (proxies.Length > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies) forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            app.UseForwardedHeaders(forwarded);
        }
        // An error is answered in the caller's terms with a code, never with the exception: no stack trace, no SQL.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = async http =>
            {
                var error = http.Features.Get<IExceptionHandlerFeature>()?.Error;
                if (error is TwinException refusal)
                {
                    await AnswerAsync(http, refusal);
                    return;
                }
                if (error is not null && DatabaseFaults.Handle(error))
                {
                    DatabaseFaults.Report(app.Logger, error);
                    await AnswerAsync(http, new TwinException(ErrorCodes.DatabaseUnavailable, DatabaseFaults.Answer(http)));
                    return;
                }
                Log.UnhandledError(app.Logger, error, http.Request.Method, http.Request.Path);
                http.Response.StatusCode = StatusCodes.Status500InternalServerError;
                await Results.Problem(title: "Something went wrong on the server; the error is logged.", statusCode: 500,
                    extensions: new Dictionary<string, object?> { ["traceId"] = http.TraceIdentifier }).ExecuteAsync(http);
            },
            // A refusal is not a fault of the server, nor is an outage: the latter is reported once in a while
            // (DatabaseFaults.Report), not once per request.
            SuppressDiagnosticsCallback = context => context.Exception is TwinException || DatabaseFaults.IsUnavailable(context.Exception),
        });
        var policy = ContentSecurityPolicy(app.Services.GetRequiredService<MapSettings>());
        app.Use((http, next) =>
        {
            // Set as the answer starts, so that an error answer (whose headers the exception handler clears) has them too.
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                headers.ContentSecurityPolicy = policy;
                return Task.CompletedTask;
            });
            return next(http);
        });
    }

    /// <summary>
    /// A refusal that no route answered itself (the database away or out of connections, a rate limit, a caller the
    /// authorization policies turned away, a refusal thrown through a route) in the caller's own terms: Open311's error body (JSON or XML, as the path says), a
    /// GraphQL error, or problem+json; each with its status and its code where the format has codes.
    /// </summary>
    internal static Task AnswerAsync(HttpContext http, TwinException refusal)
    {
        var path = http.Request.Path;
        if (path.StartsWithSegments("/open311")) return Open311.Open311Errors.Of(refusal, path).ExecuteAsync(http);
        if (path.StartsWithSegments("/graphql")) return GraphQL.GraphQLEndpoint.WriteRefusalAsync(http, refusal);
        return ProblemResults.WriteAsync(http, refusal);
    }

    /// <summary>
    /// Only this origin's scripts, styles, workers and connections (Blazor's WebSocket too), images also from the
    /// configured basemap; no framing, no forms to elsewhere. Inline styles are allowed: OpenLayers and GraphiQL set them.
    /// </summary>
    internal static string ContentSecurityPolicy(MapSettings settings)
    {
        var basemap = string.Join(' ', (settings.Basemap ?? []).Values.Select(v => v?.ToString()).OfType<string>().Select(Origin).OfType<string>().Distinct());
        var extra = basemap.Length == 0 ? "" : " " + basemap;
        // Citizens' photos from the origins the city named (Map:MediaOrigins, checked at start-up), images only.
        var media = string.Concat((settings.MediaOrigins ?? []).Select(o => " " + new Uri(o).GetLeftPart(UriPartial.Authority)));
        return $"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:{extra}{media}; " +
               $"connect-src 'self'{extra}; worker-src 'self' blob:; font-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";
    }

    /// <summary>The origin of a basemap URL template, a placeholder in its host as a wildcard ({a-c}.tile.example.org → *.tile.example.org).</summary>
    private static string? Origin(string url)
    {
        var scheme = url.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? "https" : url.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? "http" : null;
        if (scheme is null) return null;
        var host = url[(scheme.Length + 3)..].Split('/', '?')[0];
        if (host.Contains('{', StringComparison.Ordinal))
        {
            var dot = host.IndexOf('.', host.LastIndexOf('}') is var close && close >= 0 ? close : 0);
            if (dot < 0) return null;
            host = "*" + host[dot..];
        }
        return host.Any(c => c is ' ' or ';' or '\'' or ',') ? null : $"{scheme}://{host}";
    }
}

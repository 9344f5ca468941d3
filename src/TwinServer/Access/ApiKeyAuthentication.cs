using System.Security.Claims;
using System.Text.Encodings.Web;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Access;

/// <summary>
/// Systems call with a key: <c>Authorization: Bearer KEY</c> or <c>X-Api-Key: KEY</c> (never in the URL, where it would
/// end up in logs). The key's role and organisation become the caller's claims. No key: the caller is anonymous. A
/// key that is unknown, revoked or expired fails, and the endpoint answers 401 rather than treat the caller as anonymous.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = KeyOf(Request);
        if (key is null) return AuthenticateResult.NoResult();
        var found = await keys.FindAsync(key, Context.RequestAborted);
        if (found is null) return AuthenticateResult.Fail("The API key is unknown, revoked or expired.");
        List<Claim> claims =
        [
            new(ClaimTypes.Name, found.Actor.Name),
            new(ClaimTypes.Role, found.Role),
            new(TwinClaims.ApiKeyId, found.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (found.Organisation is { } organisation) claims.Add(new Claim(TwinClaims.Organisation, organisation));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A key that failed: 401, with why (unknown, revoked or expired) and the code UNAUTHENTICATED.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await Hardening.AnswerAsync(Context, new TwinException(ErrorCodes.Unauthenticated, failure ?? "Send a key: Authorization: Bearer KEY, or X-Api-Key: KEY."));
    }

    /// <summary>A key whose role may not do this: 403 FORBIDDEN, naming the role.</summary>
    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Hardening.AnswerAsync(Context, new TwinException(ErrorCodes.Forbidden, $"This is not for the role of this key ({Context.User.FindFirstValue(ClaimTypes.Role) ?? "none"})."));

    private static string? KeyOf(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"] is { Count: 1 } header && !string.IsNullOrWhiteSpace(header[0])) return header[0]!.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }
}

public static class AccessExtensions
{
    /// <summary>The default scheme: a key in a header (systems), else the session cookie (people).</summary>
    public const string Scheme = "twin";

    /// <summary>The map UI: people signed in as handlers, GIS staff or admins.</summary>
    public const string MapPolicy = "map";

    /// <summary>Map data (tiles): the map's people, and contractors' and integrations' keys.</summary>
    public const string ReaderPolicy = "reader";

    /// <summary>The session cookie of people who signed in.</summary>
    public const string SessionCookie = "twin.session";

    private static readonly string[] ApiPaths = ["/tiles", "/ogc", "/graphql", "/open311", "/health", "/layers", "/media"];

    /// <summary>The request authenticates with a key (X-Api-Key, or Authorization: Bearer), not with the session.</summary>
    public static bool HasKey(HttpRequest request) =>
        request.Headers.ContainsKey("X-Api-Key") || request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    public static IServiceCollection AddTwinAccess(this IServiceCollection services, IConfiguration configuration)
    {
        // Read (and checked: a bad value stops the start here, naming its key) once for what is set up now, and served
        // as options to what asks later.
        var access = AccessOptions.Read(configuration);
        services.AddSingleton(Options.Create(access));
        services.AddSingleton<Users>().AddSingleton<AuditLog>().AddSingleton<AuditTrail>().AddScoped<PersonalDataReads>();
        services.AddHostedService<AuditRetention>();
        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "A key (systems) or the session (people)", o => o.ForwardDefaultSelector = http =>
                HasKey(http.Request) ? ApiKeyAuthenticationHandler.SchemeName : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, o =>
            {
                o.LoginPath = "/signin";
                o.AccessDeniedPath = "/signin";
                o.ReturnUrlParameter = "returnUrl";
                o.Cookie.Name = SessionCookie;
                o.Cookie.HttpOnly = true;
                // Lax, not Strict: coming back from the city's identity provider is a navigation from another site, and
                // must carry the session; cross-site posts mostly go without it, and CrossSiteRequests refuses the rest.
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromHours(access.SessionHours);
                o.SlidingExpiration = true;
                o.Events.OnValidatePrincipal = StillActiveAsync;
                // A browser is sent to the sign-in form; an API caller gets a status and a code it can act on.
                o.Events.OnRedirectToLogin = c =>
                {
                    if (!ApiPaths.Any(p => c.Request.Path.StartsWithSegments(p)))
                    {
                        c.Response.Redirect(c.RedirectUri);
                        return Task.CompletedTask;
                    }
                    c.Response.Headers.WWWAuthenticate = "Bearer";
                    return Hardening.AnswerAsync(c.HttpContext, new TwinException(ErrorCodes.Unauthenticated,
                        "Send a key (Authorization: Bearer KEY, or X-Api-Key: KEY) or sign in (/signin)."));
                };
                o.Events.OnRedirectToAccessDenied = async c =>
                {
                    if (ApiPaths.Any(p => c.Request.Path.StartsWithSegments(p)))
                    {
                        await Hardening.AnswerAsync(c.HttpContext, new TwinException(ErrorCodes.Forbidden,
                            $"This is not for your role ({c.HttpContext.User.FindFirstValue(ClaimTypes.Role) ?? "none"})."));
                        return;
                    }
                    c.Response.StatusCode = StatusCodes.Status403Forbidden;
                    // A person who may not see the page is told so (and how to change who they are), not given an empty error.
                    c.Response.ContentType = "text/html; charset=utf-8";
                    await c.Response.WriteAsync($"""
                        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not for your role</title>
                        <link rel="stylesheet" href="/_content/TwinUi/twin.css">{MapUi.PageIcon.Link}</head><body class="signin"><main class="signin-box">
                        <h1>Not for your role</h1><p data-testid="forbidden">You are signed in as {System.Net.WebUtility.HtmlEncode(c.HttpContext.User.Identity?.Name)}
                        ({System.Net.WebUtility.HtmlEncode(c.HttpContext.User.FindFirstValue(ClaimTypes.Role))}); this page is not for that role.</p>
                        <p><a href="/">Back to the map</a></p></main></body></html>
                        """);
                };
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddTwinOidc(configuration);
        services.AddAuthorizationBuilder()
            .AddPolicy(MapPolicy, p => p.RequireAuthenticatedUser().RequireRole(TwinRoles.Handler, TwinRoles.Gis, TwinRoles.Admin))
            .AddPolicy(Layers.ImportEndpoints.GisPolicy, p => p.RequireAuthenticatedUser().RequireRole(TwinRoles.Gis, TwinRoles.Admin))
            .AddPolicy(ReaderPolicy, p => p.RequireAuthenticatedUser().RequireRole(
                TwinRoles.Handler, TwinRoles.Gis, TwinRoles.Admin, TwinRoles.Contractor, TwinRoles.Integration));
        // Guessing passwords: a few tries a minute per address, counted in the database for every node.
        services.AddSingleton<SignInAttempts>();
        services.AddRateLimiter(o => o.RejectionStatusCode = StatusCodes.Status429TooManyRequests);
        return services;
    }

    /// <summary>
    /// A disabled user, or one whose role changed, is signed out within a minute (Access:RecheckSeconds). The answer
    /// is remembered by the server, not written into the cookie: renewing the cookie on a request still in flight
    /// would bring a session back to life after its sign-out.
    /// </summary>
    private static async Task StillActiveAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        // People from the city's identity provider are not in our user table: the provider decides, at the next sign-in.
        if (principal.Identity?.Name?.StartsWith("oidc:", StringComparison.Ordinal) == true) return;
        var username = principal.Identity?.Name is { } name && name.StartsWith("user:", StringComparison.Ordinal) ? name[5..] : "";
        var role = principal.FindFirstValue(ClaimTypes.Role) ?? "";
        var services = context.HttpContext.RequestServices;
        var every = TimeSpan.FromSeconds(services.GetRequiredService<IOptions<AccessOptions>>().Value.RecheckSeconds);
        if (!await services.GetRequiredService<Users>().IsActiveAsync(username, role, every, context.HttpContext.RequestAborted))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
    }

    /// <summary>Why the caller's credentials were refused, if they were (a bad key is not the same as no key).</summary>
    /// <remarks>The handler remembers its result for the request: this does not look the key up again.</remarks>
    public static async Task<string?> AuthenticationFailureAsync(this HttpContext http) => (await http.AuthenticateAsync()).Failure?.Message;
}

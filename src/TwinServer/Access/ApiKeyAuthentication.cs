using System.Security.Claims;
using System.Text.Encodings.Web;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Authentication;
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

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private static string? KeyOf(HttpRequest request)
    {
        if (request.Headers["X-Api-Key"] is { Count: 1 } header && !string.IsNullOrWhiteSpace(header[0])) return header[0]!.Trim();
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }
}

public static class AccessExtensions
{
    public static IServiceCollection AddTwinAccess(this IServiceCollection services)
    {
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        return services;
    }

    /// <summary>Why the caller's credentials were refused, if they were (a bad key is not the same as no key).</summary>
    /// <remarks>The handler remembers its result for the request: this does not look the key up again.</remarks>
    public static async Task<string?> AuthenticationFailureAsync(this HttpContext http) => (await http.AuthenticateAsync()).Failure?.Message;
}

using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace DigitalTwin.Server.Access;

/// <summary>
/// A city's own identity provider (OpenID Connect), by configuration (<c>Access:Oidc</c>): the sign-in page offers it
/// beside the password form. The provider says who the person is; <c>Access:Oidc:Roles</c> says which of the
/// provider's roles or groups make a handler, GIS staff or an admin. Nobody gets in without one of those.
/// </summary>
public sealed class OidcOptions
{
    /// <summary>The provider, e.g. https://login.city.example/realms/staff. Without it, no OpenID Connect.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>What the sign-in page calls it, e.g. "City ID".</summary>
    public string DisplayName { get; set; } = "the city's sign-in";

    /// <summary>The claim that names the person's roles or groups at the provider.</summary>
    public string RoleClaim { get; set; } = "roles";

    /// <summary>The claim with the person's user name.</summary>
    public string UserNameClaim { get; set; } = "preferred_username";

    /// <summary>Our role for each of the provider's values: e.g. "handler": ["contact-centre"], "admin": ["twin-admins"].</summary>
    public Dictionary<string, List<string>> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Only for a provider on loopback in tests and demos: metadata over plain HTTP.</summary>
    public bool AllowHttp { get; set; }
}

internal static class OidcSignIn
{
    public const string Scheme = "oidc";

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration["Access:Oidc:Authority"]);

    public static AuthenticationBuilder AddTwinOidc(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        var settings = configuration.GetSection("Access:Oidc").Get<OidcOptions>() ?? new OidcOptions();
        if (string.IsNullOrWhiteSpace(settings.Authority)) return builder;
        return builder.AddOpenIdConnect(Scheme, settings.DisplayName, o =>
        {
            o.Authority = settings.Authority;
            o.ClientId = settings.ClientId;
            o.ClientSecret = settings.ClientSecret;
            o.ResponseType = OpenIdConnectResponseType.Code;
            o.ResponseMode = OpenIdConnectResponseMode.Query;
            o.UsePkce = true;
            o.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            o.CallbackPath = "/signin-oidc";
            o.SaveTokens = false;
            o.MapInboundClaims = false;
            o.RequireHttpsMetadata = !settings.AllowHttp;
            o.Scope.Clear();
            o.Scope.Add("openid");
            o.Scope.Add("profile");
            o.Scope.Add("email");
            // The round trip's cookies work on the plain-HTTP loopback address the server listens on by default.
            o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.CorrelationCookie.SameSite = SameSiteMode.Lax;
            o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.NonceCookie.SameSite = SameSiteMode.Lax;
            o.Events.OnTokenValidated = async context => await AdmitAsync(context, settings);
            o.Events.OnRemoteFailure = context =>
            {
                context.HandleResponse();
                context.Response.Redirect("/signin?error=1");
                return Task.CompletedTask;
            };
        });
    }

    /// <summary>The provider's person as ours: user:NAME (via oidc) in the role their provider roles map to, or refused.</summary>
    private static async Task AdmitAsync(TokenValidatedContext context, OidcOptions settings)
    {
        var external = context.Principal!;
        var username = external.FindFirstValue(settings.UserNameClaim) ?? external.FindFirstValue("sub") ?? "";
        var theirs = external.FindAll(settings.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        // The strongest of our roles their provider roles give, admin first.
        var role = new[] { TwinRoles.Admin, TwinRoles.Handler, TwinRoles.Gis }
            .FirstOrDefault(r => settings.Roles.TryGetValue(r, out var values) && values.Any(theirs.Contains));
        var audit = context.HttpContext.RequestServices.GetRequiredService<AuditLog>();
        var remote = context.HttpContext.Connection.RemoteIpAddress?.ToString();
        if (role is null || username.Length == 0)
        {
            await audit.WriteAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"oidc:{username}")])), "sign-in-refused", null,
                new { via = "oidc", reason = "no DigitalTwin role for the provider's roles", roles = theirs }, remote, context.HttpContext.RequestAborted);
            context.Fail($"{username} has none of the roles that give access to DigitalTwin.");
            return;
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"oidc:{username}"), new Claim(ClaimTypes.Role, role),
             new Claim(ClaimTypes.GivenName, external.FindFirstValue("name") ?? username)],
            CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
        context.Principal = new ClaimsPrincipal(identity);
        await audit.WriteAsync(context.Principal, "signed-in", null, new { via = "oidc" }, remote, context.HttpContext.RequestAborted);
    }
}

using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace DigitalTwin.Server.Access;

/// <summary>
/// Sign-in for people (<c>/signin</c>, <c>/signout</c>): a plain form, with an antiforgery token, rate-limited per
/// address across every node (<see cref="SignInAttempts"/>); a session cookie (HttpOnly, SameSite=Strict) on success. The map UI sends anyone not signed in here.
/// </summary>
internal static class SignInEndpoints
{
    public static void MapTwinSignIn(this WebApplication app)
    {
        app.MapGet("/signin", async (HttpContext http, IAntiforgery antiforgery, Users users, string? returnUrl, string? error, string? lang) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(http);
            // A fresh installation has nobody to sign in yet: say how to make the first user.
            var oidc = OidcSignIn.IsConfigured(app.Configuration) ? app.Configuration["Access:Oidc:DisplayName"] ?? "the city's sign-in" : null;
            var nobody = oidc is null && !await users.AnyAsync(http.RequestAborted);
            return Results.Content(Page(Texts.For(lang ?? DigitalTwin.Ui.Localization.LanguageChoice.FromAcceptLanguage(http.Request.Headers.AcceptLanguage.ToString())), tokens, LocalOnly(returnUrl), error is not null, nobody, oidc), "text/html; charset=utf-8");
        }).AllowAnonymous();

        app.MapPost("/signin", async (HttpContext http, [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
            [FromForm] string? lang, Users users, AuditLog audit) =>
        {
            var back = LocalOnly(returnUrl);
            var user = await users.SignInAsync(username ?? "", password ?? "", http.RequestAborted);
            var remote = http.Connection.RemoteIpAddress?.ToString();
            if (user is null)
            {
                await audit.WriteAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, $"user:{username?.Trim().ToLowerInvariant()}")])),
                    "sign-in-refused", null, null, remote, http.RequestAborted);
                return Results.Redirect($"/signin?error=1&returnUrl={WebUtility.UrlEncode(back)}{(lang is null ? "" : $"&lang={WebUtility.UrlEncode(lang)}")}");
            }
            var identity = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, user.ActorName), new Claim(ClaimTypes.Role, user.Role), new Claim(ClaimTypes.GivenName, user.DisplayName ?? user.Username)],
                CookieAuthenticationDefaults.AuthenticationScheme, ClaimTypes.Name, ClaimTypes.Role);
            var principal = new ClaimsPrincipal(identity);
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
            await audit.WriteAsync(principal, "signed-in", null, null, remote, http.RequestAborted);
            return Results.Redirect(back);
        }).AllowAnonymous().AddEndpointFilter(SignInAttempts.LimitAsync).DisableRequestTimeout();

        // The city's identity provider, when configured (Access:Oidc): there and back, then to where the person was going.
        app.MapGet("/signin/oidc", (string? returnUrl) => OidcSignIn.IsConfigured(app.Configuration)
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = LocalOnly(returnUrl) }, [OidcSignIn.Scheme])
            : Results.NotFound()).AllowAnonymous().AddEndpointFilter(SignInAttempts.LimitAsync);

        // The form's antiforgery token is checked (a form field makes the endpoint validate it): no page elsewhere can sign anyone out.
        app.MapPost("/signout", async (HttpContext http, AuditLog audit, [FromForm] string? returnUrl) =>
        {
            if (http.User.IsSignedIn()) await audit.WriteAsync(http.User, "signed-out", null, null, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });
    }

    /// <summary>Only a path of this site (no open redirect to another).</summary>
    private static string LocalOnly(string? url) =>
        url is { Length: > 0 } && Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult.IsLocalUrl(url) && !url.Any(char.IsControl) ? url : "/";

    private sealed record Texts(string Lang, string Title, string Username, string Password, string Submit, string Failed, string With)
    {
        public static Texts For(string? lang) => lang?.ToLowerInvariant() switch
        {
            "fi" => new("fi", "Kirjaudu DigitalTwiniin", "Käyttäjätunnus", "Salasana", "Kirjaudu", "Käyttäjätunnus tai salasana on väärin.", "Kirjaudu:"),
            "sv" => new("sv", "Logga in i DigitalTwin", "Användarnamn", "Lösenord", "Logga in", "Fel användarnamn eller lösenord.", "Logga in med"),
            _ => new("en", "Sign in to DigitalTwin", "Username", "Password", "Sign in", "The username or the password is wrong.", "Sign in with"),
        };
    }

    private static string Page(Texts t, AntiforgeryTokenSet tokens, string returnUrl, bool failed, bool nobody, string? oidc)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        return $"""
            <!doctype html>
            <html lang="{t.Lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(t.Title)}</title><link rel="stylesheet" href="/_content/TwinUi/twin.css">{MapUi.PageIcon.Link}</head>
            <body class="signin">
            <main class="signin-box">
              <h1>{E(t.Title)}</h1>
              {(failed ? $"<p class=\"signin-error\" role=\"alert\" data-testid=\"signin-error\">{E(t.Failed)}</p>" : "")}
              {(nobody ? "<p class=\"signin-hint\" data-testid=\"no-users\">No one can sign in yet. On the server: <code>./twin user add NAME --role handler</code></p>" : "")}
              <form method="post" action="/signin">
                <input type="hidden" name="{E(tokens.FormFieldName)}" value="{E(tokens.RequestToken)}">
                <input type="hidden" name="returnUrl" value="{E(returnUrl)}">
                <input type="hidden" name="lang" value="{E(t.Lang)}">
                <label>{E(t.Username)} <input name="username" autocomplete="username" required autofocus></label>
                <label>{E(t.Password)} <input name="password" type="password" autocomplete="current-password" required></label>
                <button type="submit">{E(t.Submit)}</button>
              </form>
              {(oidc is null ? "" : $"<p class=\"signin-oidc\"><a data-testid=\"signin-oidc\" href=\"/signin/oidc?returnUrl={E(WebUtility.UrlEncode(returnUrl))}\">{E(t.With)} {E(oidc)}</a></p>")}
            </main>
            </body></html>
            """;
    }
}

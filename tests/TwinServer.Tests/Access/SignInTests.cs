using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>A server that lets an address guess three times a minute.</summary>
public sealed class StrictSignInServer : TwinServerFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:SignInsPerMinute", "3");
    }
}

/// <summary>People sign in to the map; nobody else gets it, and the way in is not a way to guess or to be sent elsewhere.</summary>
public sealed class SignInTests(TwinServerFactory server, StrictSignInServer strict) : IClassFixture<TwinServerFactory>, IClassFixture<StrictSignInServer>
{
    private static HttpClient NoRedirects(TwinServerFactory factory) => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Without_signing_in_the_map_and_its_circuit_send_the_browser_to_sign_in()
    {
        using var client = NoRedirects(server);
        foreach (var path in new[] { "/", "/?lang=fi" })
        {
            using var response = await client.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            response.Headers.Location!.ToString().ShouldContain("/signin?returnUrl=");
        }
        using var hub = await client.PostAsync("/_blazor/negotiate?negotiateVersion=1", null);
        hub.IsSuccessStatusCode.ShouldBeFalse();
        // The page's own files stay public: the sign-in page uses the style sheet and names the icon.
        (await client.GetAsync("/_content/TwinUi/twin.css")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetStringAsync("/signin")).ShouldContain("<link rel=\"icon\" type=\"image/svg+xml\" href=\"/_content/TwinUi/favicon.svg\">");
        using var icon = await client.GetAsync("/_content/TwinUi/favicon.svg");
        icon.StatusCode.ShouldBe(HttpStatusCode.OK);
        icon.Content.Headers.ContentType!.MediaType.ShouldBe("image/svg+xml");
        // Where a browser looks for it on an answer that names none (a JSON answer, an Open311 list): sent on, not 404.
        using var asked = await client.GetAsync("/favicon.ico");
        asked.StatusCode.ShouldBe(HttpStatusCode.MovedPermanently);
        asked.Headers.Location!.ToString().ShouldBe("/_content/TwinUi/favicon.svg");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_logged_and_the_right_one_opens_the_map_with_an_httponly_cookie()
    {
        var (username, password) = await server.UserAsync("handler");
        var before = await server.Database.ScalarAsync<long>("SELECT coalesce(max(id), 0) FROM audit_log");
        using var client = NoRedirects(server);
        using (var refused = await TwinServerFactory.SignInAsync(client, username, password + "x"))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            refused.Headers.Location!.ToString().ShouldStartWith("/signin?error=1");
            refused.Headers.Contains("Set-Cookie").ShouldBeFalse();
        }
        (await client.GetStringAsync("/signin?error=1")).ShouldContain("The username or the password is wrong.");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE id > {before} AND action = 'sign-in-refused' AND actor = 'user:{username}'")).ShouldBe(1);

        using var accepted = await TwinServerFactory.SignInAsync(client, username, password);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        accepted.Headers.Location!.ToString().ShouldBe("/");
        var cookie = accepted.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("twin.session=", StringComparison.Ordinal)).ToLowerInvariant();
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=lax"); // Lax: the way back from a city's identity provider must carry it; cross-site posts do not
        var html = await client.GetStringAsync("/");
        html.ShouldContain("data-testid=\"inbox\"");
        html.ShouldContain("Test handler");
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE id > {before} AND action = 'signed-in' AND actor = 'user:{username}'")).ShouldBe(1);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using var client = await server.SignedInClientAsync("handler");
        var page = await client.GetStringAsync("/");
        // Without the form's token, nothing happens (another site cannot sign anyone out).
        using (var forged = await client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>())))
        {
            forged.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        token.Success.ShouldBeTrue("the map's sign-out form carries an antiforgery token");
        using var signedOut = await client.PostAsync("/signout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value),
        }));
        signedOut.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signedOut.Content.ReadAsStringAsync());
        signedOut.Headers.Location!.ToString().ShouldBe("/signin");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Gis_staff_get_the_map_without_the_inbox()
    {
        using var client = await server.SignedInClientAsync("gis");
        var html = await client.GetStringAsync("/");
        html.ShouldContain("data-testid=\"signed-in\"");
        html.ShouldNotContain("data-testid=\"inbox\"");
    }

    [Theory]
    [InlineData("//evil.example/")]
    [InlineData("https://evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t/evil.example")]
    public async Task Signing_in_never_sends_the_browser_to_another_site(string returnUrl)
    {
        var (username, password) = await server.UserAsync("handler");
        using var client = NoRedirects(server);
        using var response = await TwinServerFactory.SignInAsync(client, username, password, returnUrl);
        response.Headers.Location!.ToString().ShouldBe("/");
    }

    [Fact]
    public async Task A_sign_in_without_the_forms_antiforgery_token_is_refused()
    {
        var (username, password) = await server.UserAsync("handler");
        using var client = NoRedirects(server);
        using var response = await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = username, ["password"] = password }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [Fact]
    public async Task Guessing_is_stopped_after_a_few_tries_a_minute()
    {
        var (username, _) = await strict.UserAsync("handler");
        using var client = NoRedirects(strict);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await TwinServerFactory.SignInAsync(client, username, $"guess-{i}");
            statuses.Add(response.StatusCode);
        }
        statuses.Take(3).ShouldAllBe(s => s == HttpStatusCode.Redirect);
        statuses.Skip(3).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_disabled_user_is_signed_out_of_a_running_session()
    {
        using var client = await server.SignedInClientAsync("admin");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await server.Database.ScalarAsync<int>("UPDATE users SET disabled_at = now() WHERE username = 'test.admin'");
        using var after = await client.GetAsync("/");
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().ShouldContain("/signin");
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>
/// A small, real OpenID Connect provider on loopback, as a city's identity provider: discovery, keys, an authorization
/// endpoint that signs in whoever the test says at once, and a token endpoint that issues RS256-signed ID tokens with
/// the nonce it was given.
/// </summary>
public sealed class FakeIdentityProvider : IAsyncDisposable
{
    private readonly RSA rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string Nonce, string ClientId, string User, string[] Roles)> codes = new();
    private WebApplication? app;

    public Uri Address { get; private set; } = null!;

    /// <summary>Who signs in next, with which of the provider's roles.</summary>
    public (string User, string[] Roles) Next { get; set; } = ("anna", ["contact-centre"]);

    public async Task StartAsync()
    {
        var key = new RsaSecurityKey(rsa) { KeyId = "test-key" };
        app = WebApplication.CreateSlimBuilder().Build();
        app.Urls.Add("http://127.0.0.1:0");
        string Issuer() => Address.ToString().TrimEnd('/');
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer(), ["authorization_endpoint"] = Issuer() + "/authorize", ["token_endpoint"] = Issuer() + "/token",
            ["jwks_uri"] = Issuer() + "/jwks", ["response_types_supported"] = new[] { "code" }, ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" }, ["code_challenge_methods_supported"] = new[] { "S256" },
        }));
        app.MapGet("/jwks", () =>
        {
            var p = rsa.ExportParameters(false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = key.KeyId, n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent) } } });
        });
        app.MapGet("/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            var code = Guid.NewGuid().ToString("N");
            codes[code] = (q["nonce"].ToString(), q["client_id"].ToString(), Next.User, Next.Roles);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (!codes.TryRemove(form["code"].ToString(), out var granted)) return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer(), Audience = granted.ClientId, IssuedAt = DateTime.UtcNow, Expires = DateTime.UtcNow.AddMinutes(5),
                Claims = new Dictionary<string, object>
                {
                    ["sub"] = $"id-{granted.User}", ["preferred_username"] = granted.User, ["name"] = $"{granted.User} from City ID", ["roles"] = granted.Roles,
                    ["nonce"] = granted.Nonce,
                },
                SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { id_token = token, access_token = "not-used", token_type = "Bearer", expires_in = 300 });
        });
        await app.StartAsync();
        Address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        rsa.Dispose();
    }
}

/// <summary>The server with the city's identity provider configured: its contact-centre staff are handlers.</summary>
public sealed class OidcServer : TwinServerFactory
{
    public FakeIdentityProvider Provider { get; } = new();

    protected override async Task SeedAsync() => await Provider.StartAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:Oidc:Authority", Provider.Address.ToString().TrimEnd('/'));
        builder.UseSetting("Access:Oidc:ClientId", "digitaltwin");
        builder.UseSetting("Access:Oidc:ClientSecret", "test-client-secret");
        builder.UseSetting("Access:Oidc:DisplayName", "City ID");
        builder.UseSetting("Access:Oidc:AllowHttp", "true");
        builder.UseSetting("Access:Oidc:Roles:handler:0", "contact-centre");
        builder.UseSetting("Access:Oidc:Roles:gis:0", "gis-unit");
    }

    public override async ValueTask DisposeAsync()
    {
        await Provider.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>People sign in with the city's own identity provider, and get the role its groups map to, or nothing.</summary>
public sealed class OidcTests(OidcServer server) : IClassFixture<OidcServer>
{
    /// <summary>The browser's round trip: our server → the provider → back to our server's callback.</summary>
    private async Task<(HttpClient Client, HttpResponseMessage Back)> SignInAsync(string user, params string[] roles)
    {
        server.Provider.Next = (user, roles);
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        (await client.GetStringAsync("/signin")).ShouldContain("Sign in with City ID");
        using var toProvider = await client.GetAsync("/signin/oidc?returnUrl=%2F");
        toProvider.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        toProvider.Headers.Location!.ToString().ShouldStartWith(server.Provider.Address + "authorize?");
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        using var fromProvider = await browser.GetAsync(toProvider.Headers.Location);
        var callback = fromProvider.Headers.Location!;
        callback.AbsolutePath.ShouldBe("/signin-oidc");
        return (client, await client.GetAsync(callback.PathAndQuery));
    }

    [Fact]
    public async Task Contact_centre_staff_of_the_city_sign_in_as_handlers()
    {
        var (client, back) = await SignInAsync("anna", "contact-centre", "everyone");
        using (client)
        using (back)
        {
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect, await back.Content.ReadAsStringAsync());
            back.Headers.Location!.ToString().ShouldBe("/");
            var map = await client.GetStringAsync("/");
            map.ShouldContain("anna from City ID");
            map.ShouldContain("data-testid=\"inbox\"");
            (await server.Database.ScalarAsync<string>("SELECT role || ' ' || (detail ->> 'via') FROM audit_log WHERE action = 'signed-in' AND actor = 'oidc:anna'"))
                .ShouldBe("handler oidc");
        }
    }

    [Fact]
    public async Task Someone_the_city_knows_but_with_no_role_here_is_refused()
    {
        var (client, back) = await SignInAsync("olli", "everyone");
        using (client)
        using (back)
        {
            back.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            back.Headers.Location!.ToString().ShouldStartWith("/signin?error=1");
            (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'sign-in-refused' AND actor = 'oidc:olli'")).ShouldBe(1);
        }
    }

    [Fact]
    public async Task A_forged_callback_gets_no_session()
    {
        using var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var forged = await client.GetAsync("/signin-oidc?code=made-up&state=made-up");
        forged.Headers.Location?.ToString().ShouldStartWith("/signin?error=1");
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }
}

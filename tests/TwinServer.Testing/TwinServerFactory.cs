using System.Text;
using System.Text.Json;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Testing;

/// <summary>The real server on its own fresh PostGIS database, one per test class.</summary>
public class TwinServerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        database = await CreateDatabaseAsync();
        await SeedAsync();
    }

    /// <summary>The fixture's own database: migrated and empty, unless a fixture starts from more.</summary>
    protected virtual Task<TestDatabase> CreateDatabaseAsync() => PostgisServer.CreateDatabaseAsync("server");

    /// <summary>
    /// Where a fixture that listens on loopback (it calls <c>UseKestrel(0)</c> in its constructor) is, e.g.
    /// http://127.0.0.1:41234/; starts it on first use.
    /// </summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            return ClientOptions.BaseAddress;
        }
    }

    private readonly Dictionary<string, (string Username, string Password)> users = new(StringComparer.Ordinal);

    /// <summary>A person of this role who signs in (made once per fixture: hashing a password takes a while).</summary>
    public async Task<(string Username, string Password)> UserAsync(string role)
    {
        if (users.TryGetValue(role, out var known)) return known;
        var (username, password) = ($"test.{role}", $"pw-{Guid.NewGuid():N}");
        await DigitalTwin.Data.Access.UserWriter.AddAsync(Database.DataSource, username, $"Test {role}", role, password, CancellationToken.None);
        return users[role] = (username, password);
    }

    /// <summary>
    /// A client signed in as a person of the role, through the sign-in form (its antiforgery token and the session
    /// cookie, which the client keeps).
    /// </summary>
    public async Task<HttpClient> SignedInClientAsync(string role = "handler")
    {
        var (username, password) = await UserAsync(role);
        var client = CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var response = await SignInAsync(client, username, password);
        if (response.StatusCode != System.Net.HttpStatusCode.Redirect || response.Headers.Location?.ToString() != "/")
            throw new InvalidOperationException($"Signing in as {username} failed: {(int)response.StatusCode} {response.Headers.Location}");
        return client;
    }

    /// <summary>Posts the sign-in form as a browser would: the page first, for its antiforgery token.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string username, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync("/signin");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        if (!token.Success) throw new InvalidOperationException("The sign-in page has no antiforgery token.");
        return await client.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = System.Net.WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = username, ["password"] = password, ["returnUrl"] = returnUrl,
        }));
    }

    /// <summary>Whether the fixture drops its database when it is done (a node of <see cref="TwinNodes"/> shares one and does not).</summary>
    protected virtual bool OwnsDatabase => true;

    /// <summary>Data a fixture puts in its database before the first test.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Url", Database.ConnectionString);
        builder.UseEnvironment("Testing");
        // Every browser test signs in; the limit on guessing is tested with its own fixture (SignInTests).
        builder.UseSetting("Access:SignInsPerMinute", "1000");
        // A disabled user's session ends at its next request, not a minute later.
        builder.UseSetting("Access:RecheckSeconds", "0");
    }

    /// <summary>POSTs a GraphQL query that must succeed, and returns its data.</summary>
    public async Task<JsonElement> DataAsync(string query, object? variables = null)
    {
        var (status, body) = await GraphQLAsync(query, variables);
        if (status != 200 || body.TryGetProperty("errors", out _)) throw new InvalidOperationException($"GraphQL failed ({status}): {body}");
        return body.GetProperty("data");
    }

    private string? integrationKey;

    /// <summary>A city system's key (role integration): it reads responsibility and map data. Made once per fixture.</summary>
    public async Task<string> IntegrationKeyAsync() => integrationKey ??=
        await Services.GetRequiredService<DigitalTwin.Server.Cases.ApiKeys>().CreateAsync("test-integration", "integration", null, null, CancellationToken.None);

    /// <summary>A client that calls with the integration key (X-Api-Key), as a city system does.</summary>
    public async Task<HttpClient> IntegrationClientAsync()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", await IntegrationKeyAsync());
        return client;
    }

    /// <summary>POSTs a GraphQL query with the integration key and returns the status and the parsed body.</summary>
    public async Task<(int Status, JsonElement Body)> GraphQLAsync(string query, object? variables = null)
    {
        using var client = await IntegrationClientAsync();
        var payload = JsonSerializer.Serialize(new { query, variables });
        using var response = await client.PostAsync("/graphql", new StringContent(payload, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }

    /// <summary>A key of a role (and, for a contractor, its organisation), made for one test.</summary>
    public Task<string> KeyAsync(string role, string? organisation = null) =>
        Services.GetRequiredService<DigitalTwin.Server.Cases.ApiKeys>().CreateAsync($"test-{role}-{Guid.NewGuid():N}", role, organisation, null, CancellationToken.None);

    /// <summary>
    /// Loads GeoJSON into a layer as GIS staff do over HTTP (POST /layers/{name}/import, with a key of the gis role);
    /// the import must succeed. Returns the new version.
    /// </summary>
    public async Task<int> ImportLayerAsync(string key, string layer, string kind, string geojson)
    {
        using var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(geojson, Encoding.UTF8, "application/geo+json"), "file", $"{layer}.geojson");
        using var response = await client.PostAsync($"/layers/{layer}/import?kind={kind}", form);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Importing {layer} failed ({(int)response.StatusCode}): {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
    }

    /// <summary>POSTs a GraphQL query with a key (Authorization: Bearer) and returns the status and the parsed body.</summary>
    public async Task<(int Status, JsonElement Body)> AskAsync(string key, string query, object? variables = null)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync(); // the most derived, so that a fixture can stop what it started beside the server
        if (database is not null && OwnsDatabase) await database.DisposeAsync();
    }
}

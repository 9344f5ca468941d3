using System.Text;
using System.Text.Json;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DigitalTwin.Server.Tests;

/// <summary>The real server on its own fresh PostGIS database, one per test class.</summary>
public class TwinServerFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");

    public async Task InitializeAsync()
    {
        database = await PostgisServer.CreateDatabaseAsync("server");
        await SeedAsync();
    }

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

    /// <summary>Data a fixture puts in its database before the first test.</summary>
    protected virtual Task SeedAsync() => Task.CompletedTask;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Database:Url", Database.ConnectionString);
        builder.UseEnvironment("Testing");
    }

    /// <summary>POSTs a GraphQL query that must succeed, and returns its data.</summary>
    public async Task<JsonElement> DataAsync(string query, object? variables = null)
    {
        var (status, body) = await GraphQLAsync(query, variables);
        if (status != 200 || body.TryGetProperty("errors", out _)) throw new InvalidOperationException($"GraphQL failed ({status}): {body}");
        return body.GetProperty("data");
    }

    /// <summary>POSTs a GraphQL query and returns the status and the parsed body.</summary>
    public async Task<(int Status, JsonElement Body)> GraphQLAsync(string query, object? variables = null)
    {
        using var client = CreateClient();
        var payload = JsonSerializer.Serialize(new { query, variables });
        using var response = await client.PostAsync("/graphql", new StringContent(payload, Encoding.UTF8, "application/json"));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return ((int)response.StatusCode, body);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync(); // the most derived, so that a fixture can stop what it started beside the server
        if (database is not null) await database.DisposeAsync();
    }
}

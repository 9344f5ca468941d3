using System.Net;
using System.Text;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>
/// Documents made to bring the server down are answered with the code of the limit they meet, and the server answers
/// normally afterwards. Each waits no longer than the server's own deadline (Access:GraphQLTimeoutSeconds, 30 s by
/// default): a refusal that needs longer has failed.
/// </summary>
public sealed class HostileDocumentTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string key, string query, object? variables = null)
    {
        using var client = server.CreateClient();
        client.Timeout = Deadline;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", key);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static List<string?> Codes(JsonElement body) => body.TryGetProperty("errors", out var errors)
        ? [.. errors.EnumerateArray().Select(e => e.GetProperty("extensions").GetProperty("code").GetString())]
        : [];

    /// <summary>The server still answers an ordinary question, with data.</summary>
    private async Task StillAnswersAsync()
    {
        var (status, body) = await SendAsync(await server.IntegrationKeyAsync(), "{ taskTypes { code } }");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.GetProperty("data").GetProperty("taskTypes").GetArrayLength().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("""{ responsibility(at: { x: 18.076363, y: 59.305782 }, taskType: "graffiti") { recipient { key } } }""")]
    [InlineData("""mutation { createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, description: "from the app" }) { created } }""")]
    [InlineData("""query IntrospectionQuery { __schema { types { name fields { name } } } }""")]
    [InlineData("""{ cases { id } }""")]
    [InlineData("""{ this is not even GraphQL""")]
    public async Task A_citizen_app_is_refused_at_the_door_whatever_it_sends(string query)
    {
        var app = await server.KeyAsync("citizen-app");
        var cases = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        var (status, body) = await SendAsync(app, query);
        status.ShouldBe(HttpStatusCode.Forbidden, body.ToString());
        Codes(body).ShouldBe(["FORBIDDEN"], body.ToString());
        body.TryGetProperty("data", out _).ShouldBeFalse(); // nothing ran: no data entry at all
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(cases);
        await StillAnswersAsync();
    }
}

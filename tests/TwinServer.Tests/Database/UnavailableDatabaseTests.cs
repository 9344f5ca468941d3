using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace DigitalTwin.Server.Tests.Database;

/// <summary>
/// The server's answers while its database refuses every connection, in process: the test closes its own database to
/// connections and ends the sessions on it (as a restart does), leaving the shared test server alone. The real outage,
/// a PostgreSQL stopped and started under load, is <see cref="DatabaseFaultTests"/>.
/// </summary>
public sealed class UnavailableDatabaseTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Fact]
    public async Task While_the_database_is_away_every_transport_answers_503_with_Retry_After_in_its_own_terms_and_then_recovers()
    {
        var app = await server.KeyAsync("citizen-app");
        var integration = await server.IntegrationKeyAsync();
        using var client = server.CreateClient();
        (await PostAsync(client, app, "json")).Status.ShouldBe(HttpStatusCode.OK);

        await server.Database.SetOpenAsync(false);
        try
        {
            var (status, headers, body) = await PostAsync(client, app, "json");
            status.ShouldBe(HttpStatusCode.ServiceUnavailable);
            headers.RetryAfter.ShouldNotBeNull();
            var error = JsonDocument.Parse(body).RootElement[0];
            error.GetProperty("code").GetInt32().ShouldBe(503);
            error.GetProperty("description").GetString()!.ShouldContain("try again");

            (status, headers, body) = await PostAsync(client, app, "xml");
            status.ShouldBe(HttpStatusCode.ServiceUnavailable);
            XDocument.Parse(body).Root!.Element("error")!.Element("code")!.Value.ShouldBe("503");

            // GraphQL: a key the server remembers fails in the resolver, an unknown one while it is looked up.
            foreach (var key in new[] { integration, "twin_not-remembered-" + Guid.NewGuid().ToString("N") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
                {
                    Content = new StringContent("""{"query":"{ layers { name } }"}""", Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-Api-Key", key);
                using var response = await Timed(client.SendAsync(request));
                response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                response.Headers.RetryAfter.ShouldNotBeNull();
                var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
                errors.EnumerateArray().ShouldContain(e => e.GetProperty("extensions").GetProperty("code").GetString() == "DATABASE_UNAVAILABLE");
            }

            using (var tiles = new HttpRequestMessage(HttpMethod.Get, "/tiles/sthlm-parcels/16/36073/18979.mvt"))
            {
                tiles.Headers.Add("X-Api-Key", integration);
                using var response = await Timed(client.SendAsync(tiles));
                response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                response.Headers.RetryAfter.ShouldNotBeNull();
                response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
                JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString().ShouldBe("DATABASE_UNAVAILABLE");
            }

            (await Timed(client.GetAsync("/health/ready"))).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await Timed(client.GetAsync("/health/live"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await server.Database.SetOpenAsync(true);
        }

        (await PostAsync(client, app, "json")).Status.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>
    /// No answer waits for the database to come back: a request that hangs fails here (a guard, not a measure of
    /// speed: the server's own connection timeout is far shorter).
    /// </summary>
    private static Task<T> Timed<T>(Task<T> request) => request.WaitAsync(TimeSpan.FromSeconds(30));

    private static async Task<(HttpStatusCode Status, System.Net.Http.Headers.HttpResponseHeaders Headers, string Body)> PostAsync(HttpClient client, string app, string format)
    {
        using var response = await Timed(client.PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363",
        })));
        return (response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync());
    }
}

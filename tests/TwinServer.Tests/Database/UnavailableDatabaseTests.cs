using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Testing;
using Npgsql;

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

        await SetOpenAsync(false);
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
            await SetOpenAsync(true);
        }

        (await PostAsync(client, app, "json")).Status.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>No answer waits: an outage is answered within a few seconds, never by a request that hangs.</summary>
    private static async Task<T> Timed<T>(Task<T> request)
    {
        var clock = Stopwatch.StartNew();
        var answer = await request.WaitAsync(TimeSpan.FromSeconds(30));
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        return answer;
    }

    private static async Task<(HttpStatusCode Status, System.Net.Http.Headers.HttpResponseHeaders Headers, string Body)> PostAsync(HttpClient client, string app, string format)
    {
        using var response = await Timed(client.PostAsync($"/open311/v2/requests.{format}", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363",
        })));
        return (response.StatusCode, response.Headers, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Closes the test's database to new connections and ends its sessions (as a restart ends them), or opens it again.</summary>
    private async Task SetOpenAsync(bool open)
    {
        await using var admin = new NpgsqlConnection(PostgisServer.AdminConnectionString);
        await admin.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER DATABASE \"{server.Database.Name}\" ALLOW_CONNECTIONS {(open ? "true" : "false")}", admin))
            await alter.ExecuteNonQueryAsync();
        if (open) return;
        await using var end = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin);
        end.Parameters.AddWithValue(server.Database.Name);
        await end.ExecuteScalarAsync();
    }
}

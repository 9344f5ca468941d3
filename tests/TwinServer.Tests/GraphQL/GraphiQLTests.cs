using System.Net;
using System.Text.RegularExpressions;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>GraphiQL at /graphql for a browser, served from the bundle that the build puts in wwwroot/graphiql.</summary>
public sealed partial class GraphiQLTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task A_browser_gets_the_graphiql_page_and_its_scripts_from_this_server()
    {
        using var client = await server.IntegrationClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        request.Headers.Accept.ParseAdd(BrowserAccept);
        using var page = await client.SendAsync(request);
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        var html = await page.Content.ReadAsStringAsync();

        var scripts = ScriptSource().Matches(html).Select(m => m.Groups[1].Value).ToList();
        scripts.ShouldNotBeEmpty();
        foreach (var script in scripts)
        {
            script.ShouldStartWith("/graphiql/", customMessage: "scripts come from this server, not a CDN");
            using var response = await client.GetAsync(script);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, script);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/javascript", script);
        }
        // Monaco's workers are local files too (GraphiQL would otherwise fetch them from esm.sh).
        using var worker = await client.GetAsync("/graphiql/graphql.worker.js");
        worker.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("*/*")]
    [InlineData("application/json, text/html;q=0.5")]
    public async Task Api_clients_still_get_graphql_over_http(string? accept)
    {
        using var client = await server.IntegrationClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        if (accept is not null) request.Headers.Accept.ParseAdd(accept);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("MISSING_QUERY");
    }

    [Fact]
    public async Task A_browser_get_with_a_query_runs_the_query()
    {
        using var client = await server.IntegrationClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/graphql?query=" + Uri.EscapeDataString("{ taskTypes { code } }"));
        request.Headers.Accept.ParseAdd(BrowserAccept);
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"data":{"taskTypes":[]}}""");
    }

    [GeneratedRegex("""<script[^>]*\ssrc="([^"]+)"(?=[^>]*>)""")]
    private static partial Regex ScriptSource();
}

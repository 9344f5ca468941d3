using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>
/// A session changes nothing at another site's request: a layer import, a GraphQL mutation and sign-out, each posted
/// with a signed-in person's cookie from another origin (by Sec-Fetch-Site, by Origin, by Referer), are refused (403,
/// CROSS_SITE_REQUEST) and change nothing; the same from the map's own origin, a script without a browser's headers, and
/// a key from anywhere go through.
/// </summary>
public sealed class CrossSiteTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Building = """
        {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"X1","name":"Posted"},
          "geometry":{"type":"Polygon","coordinates":[[[18.07670,59.30905],[18.07700,59.30905],[18.07700,59.30925],[18.07670,59.30925],[18.07670,59.30905]]]}}]}
        """;

    private const string CreateCase = """{"query":"mutation { createCase(input: { category: \"graffiti\", at: { x: 18.076363, y: 59.305782 }, description: \"cross-site\" }) { case { id } } }"}""";

    /// <summary>How a browser marks a request from another site's page: each alone must be enough to refuse it.</summary>
    public static TheoryData<string, string> ForeignPages => new()
    {
        { "Sec-Fetch-Site", "cross-site" },
        { "Sec-Fetch-Site", "same-site" },
        { "Origin", "http://evil.example" },
        { "Origin", "null" },
        { "Origin", "http://localhost:8080" },
        { "Referer", "https://evil.example/page" },
    };

    [Theory]
    [MemberData(nameof(ForeignPages))]
    public async Task A_layer_import_with_a_session_from_another_site_is_refused_and_loads_nothing(string header, string value)
    {
        using var gis = await server.SignedInClientAsync("gis");
        var layer = $"cross-{Guid.NewGuid():N}"[..20];
        using var response = await gis.SendAsync(Import(layer, (header, value)));
        await RefusedAsync(response);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM layers WHERE name = $1", layer)).ShouldBe(0);
    }

    [Theory]
    [MemberData(nameof(ForeignPages))]
    public async Task A_graphql_mutation_with_a_session_from_another_site_is_refused_and_makes_no_case(string header, string value)
    {
        using var handler = await server.SignedInClientAsync("handler");
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        using var response = await handler.SendAsync(GraphQL(CreateCase, (header, value)));
        await RefusedAsync(response);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Theory]
    [MemberData(nameof(ForeignPages))]
    public async Task Sign_out_from_another_site_is_refused_and_the_session_goes_on(string header, string value)
    {
        using var handler = await server.SignedInClientAsync("handler");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/signout") { Content = new FormUrlEncodedContent([KeyValuePair.Create("returnUrl", "/")]) };
        request.Headers.TryAddWithoutValidation(header, value);
        using var response = await handler.SendAsync(request);
        await RefusedAsync(response);
        (await handler.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.OK); // still signed in
    }

    [Fact]
    public async Task The_maps_own_origin_a_script_without_a_browser_and_a_key_from_anywhere_go_through()
    {
        using var gis = await server.SignedInClientAsync("gis");
        (await gis.SendAsync(Import("cross-own-origin", ("Sec-Fetch-Site", "same-origin"), ("Origin", "http://localhost")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gis.SendAsync(Import("cross-own-origin2", ("Origin", "http://localhost")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gis.SendAsync(Import("cross-script"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var handler = await server.SignedInClientAsync("handler");
        using (var own = await handler.SendAsync(GraphQL(CreateCase, ("Sec-Fetch-Site", "same-origin"))))
        {
            own.StatusCode.ShouldBe(HttpStatusCode.OK);
            JsonDocument.Parse(await own.Content.ReadAsStringAsync()).RootElement.TryGetProperty("errors", out _).ShouldBeFalse();
        }
        // A person's own action (typed, bookmarked) carries Sec-Fetch-Site: none.
        (await handler.SendAsync(GraphQL(CreateCase, ("Sec-Fetch-Site", "none")))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // A key authenticates without a session: where the request comes from is the key holder's business.
        using var keyed = server.CreateClient();
        keyed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.KeyAsync("gis"));
        (await keyed.SendAsync(Import("cross-keyed", ("Sec-Fetch-Site", "cross-site"), ("Origin", "http://evil.example")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var handlerKey = server.CreateClient();
        handlerKey.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await server.KeyAsync("handler"));
        (await handlerKey.SendAsync(GraphQL(CreateCase, ("Sec-Fetch-Site", "cross-site")))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Open311_posts_from_another_site_go_through_as_they_never_use_a_session()
    {
        using var handler = await server.SignedInClientAsync("handler");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = await server.KeyAsync("citizen-app"), ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363",
            }),
        };
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        using var response = await handler.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage Import(string layer, params (string Name, string Value)[] headers)
    {
        var form = new MultipartFormDataContent { { new StringContent(Building, Encoding.UTF8, "application/geo+json"), "file", "posted.geojson" } };
        var request = new HttpRequestMessage(HttpMethod.Post, $"/layers/{layer}/import?kind=building") { Content = form };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static HttpRequestMessage GraphQL(string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    private static async Task RefusedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, body);
        JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().ShouldBe("CROSS_SITE_REQUEST");
    }
}

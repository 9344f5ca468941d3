using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>The transport, after the GraphQL-over-HTTP specification.</summary>
public sealed class GraphQLOverHttpTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task Post_json_answers_with_the_graphql_response_media_type()
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.PostAsync("/graphql", Json("""{"query":"{ taskTypes { code } }"}"""));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/graphql-response+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"taskTypes\":[]");
    }

    [Fact]
    public async Task Get_runs_a_query_with_variables_and_operation_name()
    {
        using var client = await server.IntegrationClientAsync();
        var url = "/graphql?query=" + Uri.EscapeDataString("query Q($k: String) { organisations(kind: $k) { key } } query Other { taskTypes { code } }")
            + "&operationName=Q&variables=" + Uri.EscapeDataString("""{"k":"contractor"}""");
        using var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe("""{"data":{"organisations":[]}}""");
    }

    [Fact]
    public async Task Get_refuses_a_mutation_with_405_and_allow_post()
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { x }"));
        response.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.ShouldContain("POST");
    }

    [Fact]
    public async Task A_validation_error_is_400_with_the_graphql_media_type_and_200_with_plain_json()
    {
        using var client = await server.IntegrationClientAsync();
        using var graphqlResponse = await client.PostAsync("/graphql", Json("""{"query":"{ noSuchField }"}"""));
        graphqlResponse.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await graphqlResponse.Content.ReadAsStringAsync()).ShouldContain("noSuchField");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ noSuchField }"}""") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var jsonResponse = await client.SendAsync(request);
        jsonResponse.StatusCode.ShouldBe(HttpStatusCode.OK);
        jsonResponse.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
    }

    [Theory]
    [InlineData("""{"query":""", "MALFORMED_REQUEST")]
    [InlineData("""{"variables":{}}""", "MISSING_QUERY")]
    [InlineData("""[1,2,3]""", "MALFORMED_REQUEST")]
    public async Task A_malformed_body_is_400_with_a_code(string body, string code)
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.PostAsync("/graphql", Json(body));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors")[0];
        error.GetProperty("extensions").GetProperty("code").GetString().ShouldBe(code);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.PostAsync("/graphql", new StringContent("{ layers { name } }", Encoding.UTF8, "text/plain"));
        response.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task An_accept_header_that_allows_no_json_is_406()
    {
        using var client = await server.IntegrationClientAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ layers { name } }"}""") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/csv"));
        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.NotAcceptable);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}

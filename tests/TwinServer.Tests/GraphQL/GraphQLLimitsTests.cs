using System.Net;
using System.Text;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>What one request may ask is bounded, and going over gets a clear 4xx, never a 500 or a stuck server.</summary>
public sealed class GraphQLLimitsTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task A_flood_of_aliases_is_refused_as_too_complex()
    {
        // Within the limits on the text (tokens, aliases; HostileDocumentTests), over the complexity: 300 × (1 + 20 × 4).
        var query = "{ " + string.Concat(Enumerable.Range(0, 300).Select(i => $"a{i}: taskTypes {{ code nameFi nameSv nameEn }} ")) + "}";
        var (status, body) = await server.GraphQLAsync(query);
        status.ShouldBe(400);
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("complexity");
    }

    [Fact]
    public async Task A_query_nested_too_deep_is_refused()
    {
        var query = "{ __schema { types { fields { type " + string.Concat(Enumerable.Repeat("{ ofType ", 14)) + "{ name }" + new string('}', 14) + " } } } }";
        var (status, body) = await server.GraphQLAsync(query);
        status.ShouldBe(400);
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("depth");
    }

    [Fact]
    public async Task The_standard_introspection_query_passes_the_limits()
    {
        var (status, body) = await server.GraphQLAsync("""
            query IntrospectionQuery { __schema { queryType { name } types { ...FullType } } }
            fragment FullType on __Type { kind name fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } } inputFields { ...InputValue } }
            fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue }
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
            """);
        status.ShouldBe(200, body.ToString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        using var client = await server.IntegrationClientAsync();
        var huge = "{\"query\":\"{ taskTypes { code } }\",\"variables\":{\"x\":\"" + new string('x', 3 * 1024 * 1024) + "\"}}";
        using var response = await client.PostAsync("/graphql", new StringContent(huge, Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Every_type_and_field_has_a_description()
    {
        var (_, body) = await server.GraphQLAsync("""{ __schema { types { name description fields { name description } } } }""");
        var missing = body.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray()
            .Where(t => !t.GetProperty("name").GetString()!.StartsWith("__", StringComparison.Ordinal))
            .SelectMany(t =>
            {
                var name = t.GetProperty("name").GetString()!;
                var problems = new List<string>();
                if (t.GetProperty("description").ValueKind == System.Text.Json.JsonValueKind.Null && !IsBuiltIn(name)) problems.Add(name);
                if (t.GetProperty("fields").ValueKind == System.Text.Json.JsonValueKind.Array)
                {
                    problems.AddRange(t.GetProperty("fields").EnumerateArray()
                        .Where(f => f.GetProperty("description").ValueKind == System.Text.Json.JsonValueKind.Null)
                        .Select(f => $"{name}.{f.GetProperty("name").GetString()}"));
                }
                return problems;
            })
            .ToList();
        missing.ShouldBeEmpty();
    }

    private static bool IsBuiltIn(string name) => name is "String" or "Int" or "Float" or "Boolean" or "ID" or "Long" or "DateOnly" or "DateTimeOffset";
}

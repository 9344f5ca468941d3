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

    /// <summary>One refusal, the limit's, and no data entry: the document never reached validation, which would have said more.</summary>
    private async Task RefusedAsync(string query, string code, object? variables = null)
    {
        var (status, body) = await SendAsync(await server.IntegrationKeyAsync(), query, variables);
        status.ShouldBe(HttpStatusCode.BadRequest, body.ToString().Length > 2000 ? body.ToString()[..2000] : body.ToString());
        Codes(body).ShouldBe([code]);
        body.TryGetProperty("data", out _).ShouldBeFalse();
        await StillAnswersAsync();
    }

    private async Task AnsweredAsync(string query, object? variables = null)
    {
        var (status, body) = await SendAsync(await server.IntegrationKeyAsync(), query, variables);
        status.ShouldBe(HttpStatusCode.OK, body.ToString().Length > 2000 ? body.ToString()[..2000] : body.ToString());
        Codes(body).ShouldBeEmpty();
    }

    private static string Repeat(int count, Func<int, string> item) => string.Concat(Enumerable.Range(0, count).Select(item));

    [Fact]
    public async Task A_field_with_75000_repeated_directives_is_refused_before_validation()
    {
        // 1.2 MB: GraphQL.NET's rule for unique directives compares each with every other (75,000² steps), and each
        // of the 75,000 errors it would report walks the text to find its line: 148 s, and any key could send it.
        var query = "{ taskTypes " + Repeat(75_000, _ => "@skip(if: false) ") + "{ code } }";
        query.Length.ShouldBeGreaterThan(1_200_000);
        await RefusedAsync(query, "TOO_MANY_DIRECTIVES");
    }

    [Fact]
    public async Task Directives_are_taken_up_to_their_limit()
    {
        await AnsweredAsync("{ taskTypes { " + Repeat(100, i => $"c{i}: code @include(if: true) ") + "} }");
        await RefusedAsync("{ taskTypes { " + Repeat(101, i => $"c{i}: code @include(if: true) ") + "} }", "TOO_MANY_DIRECTIVES");
    }

    [Fact]
    public async Task Tokens_are_taken_up_to_their_limit_and_counted_before_parsing()
    {
        // Nineteen tokens around the list: { mapObjects ( filter : { type : [ ... ] } first : 1 ) { totalCount } }
        static string Types(int count) => "{ mapObjects(filter: { type: [" + Repeat(count, i => $"\"t{i}\" ") + "] }, first: 1) { totalCount } }";
        await AnsweredAsync(Types(15_000 - 19));
        await RefusedAsync(Types(15_000 - 18), "TOO_MANY_TOKENS");
        // A syntax error after the limit is never reached: the count stops first.
        await RefusedAsync(Types(20_000) + " }}}", "TOO_MANY_TOKENS");
    }

    [Fact]
    public async Task Aliases_are_taken_up_to_their_limit()
    {
        await AnsweredAsync("{ " + Repeat(1_000, i => $"a{i}: __typename ") + "}");
        await RefusedAsync("{ " + Repeat(1_001, i => $"a{i}: __typename ") + "}", "TOO_MANY_ALIASES");
    }

    [Fact]
    public async Task Fields_asked_for_again_in_the_same_place_are_taken_up_to_their_limit()
    {
        // The rule for mergeable fields compares every two of them: 15,000 tokens of "code" took a minute.
        await AnsweredAsync("{ taskTypes { " + Repeat(101, _ => "code ") + "} }");
        await RefusedAsync("{ taskTypes { " + Repeat(102, _ => "code ") + "} }", "REPEATED_FIELDS");
        await RefusedAsync("{ taskTypes { " + Repeat(14_000, _ => "code ") + "} }", "REPEATED_FIELDS");
        // Through fragments, and merged level by level: two taskTypes selections are one object in the answer.
        await RefusedAsync("{ ...A ...B } fragment A on Query { taskTypes { " + Repeat(60, _ => "code ") + "} } fragment B on Query { taskTypes { " + Repeat(60, _ => "code ") + "} }",
            "REPEATED_FIELDS");
    }

    [Fact]
    public async Task Fragments_are_taken_up_to_their_limit()
    {
        static string Chain(int count) => "{ ...F0 } " + Repeat(count, i => $"fragment F{i} on Query {{ a{i}: __typename {(i + 1 < count ? $"...F{i + 1}" : "")} }} ");
        await AnsweredAsync(Chain(100));
        await RefusedAsync(Chain(101), "TOO_MANY_FRAGMENTS");
    }

    [Fact]
    public async Task Nesting_is_taken_up_to_its_depth_limit()
    {
        // GraphiQL's own introspection query nests 14 deep; __schema, types, fields, type and then ofType.
        static string Deep(int depth) => "{ __schema { types { fields { type " + Repeat(depth - 4, _ => "{ ofType ") + "{ name }" + new string('}', depth - 4) + " } } } }";
        await AnsweredAsync(Deep(15));
        await RefusedAsync(Deep(16), "TOO_DEEP");
        // Deeper than any query of ours, in selections or in an argument's lists: the parser stops, the stack is safe.
        await RefusedAsync("{ " + Repeat(3_000, _ => "a { ") + "b" + new string('}', 3_000) + " }", "TOO_DEEP");
        await RefusedAsync("{ mapObjects(filter: { type: " + new string('[', 3_000) + new string(']', 3_000) + " }) { totalCount } }", "TOO_DEEP");
    }

    [Fact]
    public async Task A_huge_introspection_document_is_refused_before_validation()
    {
        // 460 kB of introspection once answered 93 MB and grew the server by 860 MiB: it was exempt from every limit.
        var query = "{ " + Repeat(6_000, i => $"s{i}: __schema {{ types {{ name fields {{ name args {{ name type {{ name }} }} }} }} }} ") + "}";
        query.Length.ShouldBeGreaterThan(460_000);
        await RefusedAsync(query, "TOO_MANY_TOKENS");
    }

    [Fact]
    public async Task A_document_longer_than_its_limit_is_refused_unread()
    {
        // One string token, so no other limit applies first.
        await RefusedAsync("{ mapObjects(filter: { text: \"" + new string('x', 1_500_000) + "\" }) { totalCount } }", "DOCUMENT_TOO_LARGE");
    }

    [Fact]
    public async Task GraphiQLs_own_introspection_query_passes_every_limit()
    {
        var query = File.ReadAllText(Path.Combine(SampleCityServer.RepositoryRoot, "tests", "TwinServer.Tests", "GraphQL", "graphiql-introspection.graphql"));
        var (status, body) = await SendAsync(await server.IntegrationKeyAsync(), query);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        Codes(body).ShouldBeEmpty();
        body.GetProperty("data").GetProperty("__schema").GetProperty("types").GetArrayLength().ShouldBeGreaterThan(20);
    }

    /// <summary>Refused as BAD_TEXT, with a message that names where the text was.</summary>
    private async Task BadTextAsync(string key, string query, object? variables, string where)
    {
        var (status, body) = await SendAsync(key, query, variables);
        status.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
        Codes(body).ShouldBe(["BAD_TEXT"]);
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldStartWith(where + " has ");
        body.TryGetProperty("data", out _).ShouldBeFalse();
        await StillAnswersAsync();
    }

    [Fact]
    public async Task Text_in_an_argument_that_cannot_be_stored_is_BAD_TEXT_naming_the_argument()
    {
        // A NUL reached PostgreSQL, which cannot hold it in text, and came back as an unhandled error.
        var key = await server.IntegrationKeyAsync();
        await BadTextAsync(key, """{ mapObjects(filter: { text: "bro\u0000" }) { totalCount } }""", null, "mapObjects(filter.text)");
        await BadTextAsync(key, """{ objects: mapObjects(filter: { type: ["bridge", "x\u0001"] }) { totalCount } }""", null, "objects(filter.type[1])");
        await BadTextAsync(key, """{ ...Spot } fragment Spot on Query { responsibility(objectId: "sthlm-assets:TK-BRO-0417-S1", taskType: "graffiti\u0000") { recipientRole } }""",
            null, "...Spot.responsibility(taskType)");
        await BadTextAsync(key, """query ($on: Boolean = true) { taskTypes { code @include(if: $on) } layers(name: "\u007F") { name } }""", null, "layers(name)");
    }

    [Fact]
    public async Task Text_in_a_variable_that_cannot_be_stored_is_BAD_TEXT_naming_the_variable_also_for_a_document_seen_before()
    {
        var key = await server.IntegrationKeyAsync();
        const string query = "query ($filter: MapObjectFilter) { mapObjects(filter: $filter) { totalCount } }";
        await AnsweredAsync(query, new { filter = new { text = "bro" } }); // now from the cache, not validated again
        await BadTextAsync(key, query, new { filter = new { text = "bro\0" } }, "$filter.text");
        await BadTextAsync(key, query, new { filter = new { type = new[] { "bridge", "x\u0007" } } }, "$filter.type[1]");
        await AnsweredAsync(query, new { filter = new { text = "tab\tand\nline breaks are text" } });
    }

    [Fact]
    public async Task A_case_whose_text_cannot_be_stored_is_refused_before_anything_is_written()
    {
        var handler = await server.KeyAsync("handler");
        var cases = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        await BadTextAsync(handler, """mutation { createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, description: "Tags\u0000" }) { created } }""",
            null, "createCase(input.description)");
        await BadTextAsync(handler, "mutation ($input: CreateCaseInput!) { createCase(input: $input) { created } }",
            new { input = new { category = "graffiti", at = new { x = 18.076363, y = 59.305782 }, description = "Tags\0 on the pillar" } }, "$input.description");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(cases);
    }

    [Fact]
    public async Task Many_copies_of_GraphiQLs_introspection_are_stopped_as_RESPONSE_TOO_LARGE_while_the_answer_is_built()
    {
        // Within every limit on the text (2,400 tokens, 250 aliases, 14 deep, 43,000 fields with fragments spread),
        // and exempt from the complexity estimate, whose lists are not the schema's: the answer would have 250 times
        // GraphiQL's 5,000 values and 100 kB.
        var graphiql = File.ReadAllText(Path.Combine(SampleCityServer.RepositoryRoot, "tests", "TwinServer.Tests", "GraphQL", "graphiql-introspection.graphql"));
        var fragments = graphiql[graphiql.IndexOf("fragment FullType", StringComparison.Ordinal)..];
        var query = "query Copies { " + Repeat(250, i => $"s{i}: __schema {{ types {{ ...FullType }} }} ") + "} " + fragments;
        var (status, body) = await SendAsync(await server.IntegrationKeyAsync(), query);
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        Codes(body).ShouldBe(["RESPONSE_TOO_LARGE"]);
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("500,000 values");
        body.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
        await StillAnswersAsync();
    }
}

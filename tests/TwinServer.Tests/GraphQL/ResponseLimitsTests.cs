using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>The sample city behind answers of at most 1,000 values and 20,000 bytes.</summary>
public sealed class SmallAnswerServer : SampleCityServer
{
    public const int MaxValues = 1_000, MaxBytes = 20_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:GraphQLMaxResponseValues", MaxValues.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Access:GraphQLMaxResponseBytes", MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>An answer larger than its limits is replaced by RESPONSE_TOO_LARGE, never built or sent without bound.</summary>
public sealed class ResponseLimitsTests(SmallAnswerServer server) : IClassFixture<SmallAnswerServer>
{
    private async Task<(HttpStatusCode Status, JsonElement Body, long? Length)> SendAsync(string query)
    {
        using var client = await server.IntegrationClientAsync();
        using var response = await client.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentLength);
    }

    private static List<string?> Codes(JsonElement body) => body.TryGetProperty("errors", out var errors)
        ? [.. errors.EnumerateArray().Select(e => e.GetProperty("extensions").GetProperty("code").GetString())]
        : [];

    [Fact]
    public async Task Values_are_counted_up_to_their_limit_while_the_answer_is_built()
    {
        // One copy: __schema, its list of types, and each type with its name.
        var (_, one, _) = await SendAsync("{ s0: __schema { types { name } } }");
        var types = one.GetProperty("data").GetProperty("s0").GetProperty("types").GetArrayLength();
        var perCopy = 2 + 2 * types;
        var copies = SmallAnswerServer.MaxValues / perCopy;
        copies.ShouldBeGreaterThan(1);
        static string Copies(int count) => "{ " + string.Concat(Enumerable.Range(0, count).Select(i => $"s{i}: __schema {{ types {{ name }} }} ")) + "}";

        var (status, within, _) = await SendAsync(Copies(copies)); // copies × perCopy ≤ the limit
        status.ShouldBe(HttpStatusCode.OK);
        Codes(within).ShouldBeEmpty(within.ToString());

        var (over, refused, _) = await SendAsync(Copies(copies + 1)); // one copy more is past it
        over.ShouldBe(HttpStatusCode.OK);
        Codes(refused).ShouldBe(["RESPONSE_TOO_LARGE"]);
        refused.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("1,000 values");
        refused.GetProperty("data").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task An_answer_over_its_bytes_is_replaced_by_RESPONSE_TOO_LARGE_before_anything_is_sent()
    {
        var (status, small, length) = await SendAsync("{ taskTypes { code } }");
        status.ShouldBe(HttpStatusCode.OK);
        Codes(small).ShouldBeEmpty();
        length.ShouldNotBeNull();
        length.Value.ShouldBeLessThanOrEqualTo(SmallAnswerServer.MaxBytes);

        // The longest description of a type, asked for again and again: few values (two a copy), many bytes.
        var (_, types, _) = await SendAsync("{ __schema { types { name description } } }");
        var longest = types.GetProperty("data").GetProperty("__schema").GetProperty("types").EnumerateArray()
            .Select(t => (Name: t.GetProperty("name").GetString()!, Length: t.GetProperty("description").GetString()?.Length ?? 0))
            .MaxBy(t => t.Length);
        var copies = SmallAnswerServer.MaxBytes / longest.Length + 1; // their descriptions alone are over the limit
        (2 * copies).ShouldBeLessThanOrEqualTo(SmallAnswerServer.MaxValues);
        var (over, refused, refusedLength) = await SendAsync(
            "{ " + string.Concat(Enumerable.Range(0, copies).Select(i => $"t{i}: __type(name: \"{longest.Name}\") {{ description }} ")) + "}");
        over.ShouldBe(HttpStatusCode.OK);
        Codes(refused).ShouldBe(["RESPONSE_TOO_LARGE"], refused.ToString());
        refused.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("20,000 bytes");
        refusedLength!.Value.ShouldBeLessThan(SmallAnswerServer.MaxBytes);

        (await SendAsync("{ taskTypes { code } }")).Body.ToString().ShouldBe(small.ToString()); // and answers as before
    }
}

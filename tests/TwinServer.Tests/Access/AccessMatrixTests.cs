using System.Net;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>
/// Every kind of caller against every kind of route: the answer each must get, and nothing changed by those refused
/// (SPEC's users, issue 6). Keys stand for systems; people's sessions are tested in SignInTests.
/// </summary>
public sealed class AccessMatrixTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    /// <summary>The callers: no credentials, a key nobody made, and a key of each role.</summary>
    public static readonly TheoryData<string> Callers = ["none", "bad-key", "citizen-app", "integration", "contractor", "gis", "handler", "admin"];

    private readonly Dictionary<string, string> keys = [];

    private async Task<HttpClient> ClientAsync(string caller)
    {
        var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var key = caller switch
        {
            "none" => null,
            "bad-key" => "twin_not-a-key-anyone-made",
            "contractor" => await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"matrix-{caller}-{Guid.NewGuid():N}", caller, "klotterfritt", null, CancellationToken.None),
            _ => await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"matrix-{caller}-{Guid.NewGuid():N}", caller, null, null, CancellationToken.None),
        };
        if (key is not null) client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task<(HttpStatusCode Status, string Body)> GraphQLAsync(HttpClient client, string query)
    {
        using var response = await client.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Responsibility_and_map_data_are_for_readers(string caller)
    {
        using var client = await ClientAsync(caller);
        var (status, body) = await GraphQLAsync(client, """{ responsibility(at: { x: 18.076363, y: 59.305782 }, taskType: "graffiti") { recipient { key } } }""");
        using var tile = await client.GetAsync("/tiles/sthlm-buildings/16/36058/19280.mvt");
        switch (caller)
        {
            case "none" or "bad-key":
                status.ShouldBe(HttpStatusCode.Unauthorized);
                body.ShouldContain("UNAUTHENTICATED");
                tile.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
                break;
            case "citizen-app":
                status.ShouldBe(HttpStatusCode.BadRequest);
                body.ShouldContain("\"code\":\"FORBIDDEN\"");
                body.ShouldNotContain("klotterfritt");
                tile.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
                break;
            default:
                status.ShouldBe(HttpStatusCode.OK, body);
                body.ShouldContain("\"key\":\"klotterfritt\"");
                tile.StatusCode.ShouldBe(HttpStatusCode.OK);
                break;
        }
    }

    [Theory]
    [InlineData("expires_at = now() - interval '1 second'")]
    [InlineData("revoked_at = now()")]
    public async Task An_expired_or_revoked_key_is_refused_everywhere(string change)
    {
        var key = await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"matrix-old-{Guid.NewGuid():N}", "admin", null, null, CancellationToken.None);
        await server.Database.ScalarAsync<int>($"UPDATE api_keys SET {change} WHERE key_hash = sha256('{key}'::bytea)");
        using var client = server.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        (await GraphQLAsync(client, "{ layers { name } }")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/tiles/sthlm-buildings/16/36058/19280.mvt")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await client.GetAsync("/")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_question_asked_before_by_a_reader_is_still_refused_to_a_citizen_app()
    {
        // The same text, first from a reader (its document is cached), then from callers who may not ask it, also
        // through a fragment and under another operation name.
        const string query = """
            query Mine { ...Spot } query Theirs { layers { name } }
            fragment Spot on Query { responsibility(at: { x: 18.076363, y: 59.305782 }, taskType: "graffiti") { recipient { key } } }
            """;
        using var reader = await ClientAsync("integration");
        using var app = await ClientAsync("citizen-app");
        using var handler = await ClientAsync("handler");
        async Task<(HttpStatusCode, string)> AskAsync(HttpClient client, string operation)
        {
            using var response = await client.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query, operationName = operation }), Encoding.UTF8, "application/json"));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        (await AskAsync(reader, "Mine")).Item1.ShouldBe(HttpStatusCode.OK);
        (await AskAsync(reader, "Theirs")).Item1.ShouldBe(HttpStatusCode.OK);
        foreach (var operation in new[] { "Mine", "Theirs" })
        {
            var (status, body) = await AskAsync(app, operation);
            status.ShouldBe(HttpStatusCode.BadRequest, body);
            body.ShouldContain("\"code\":\"FORBIDDEN\"");
            body.ShouldNotContain("klotterfritt");
        }
        (await AskAsync(handler, "Mine")).Item2.ShouldContain("\"key\":\"klotterfritt\"");

        using var admin = await ClientAsync("admin");
        const string audit = "{ auditLog(first: 1) { action } }";
        (await GraphQLAsync(admin, audit)).Status.ShouldBe(HttpStatusCode.OK);
        var (refused, said) = await GraphQLAsync(reader, audit);
        refused.ShouldBe(HttpStatusCode.BadRequest);
        said.ShouldContain("\"code\":\"FORBIDDEN\"");
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Cases_are_for_handlers_admins_and_their_contractors(string caller)
    {
        using var client = await ClientAsync(caller);
        var (status, body) = await GraphQLAsync(client, "{ cases { serviceRequestId } }");
        switch (caller)
        {
            case "none" or "bad-key":
                status.ShouldBe(HttpStatusCode.Unauthorized);
                break;
            case "handler" or "admin" or "contractor":
                status.ShouldBe(HttpStatusCode.OK);
                body.ShouldNotContain("errors");
                break;
            default:
                status.ShouldBe(HttpStatusCode.OK);
                body.ShouldContain("FORBIDDEN");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task The_map_is_for_people_of_the_map(string caller)
    {
        using var client = await ClientAsync(caller);
        using var response = await client.GetAsync("/");
        response.StatusCode.ShouldBe(caller switch
        {
            "none" => HttpStatusCode.Redirect,
            "bad-key" => HttpStatusCode.Unauthorized,
            "handler" or "gis" or "admin" => HttpStatusCode.OK,
            _ => HttpStatusCode.Forbidden,
        });
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Open311_reads_are_public_and_only_citizen_apps_post(string caller)
    {
        using var client = await ClientAsync(caller);
        (await client.GetAsync("/open311/v2/services.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/open311/v2/requests.json")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Open311 takes its key in the form, as the specification says; the header key is the same caller's.
        var formKey = client.DefaultRequestHeaders.TryGetValues("X-Api-Key", out var values) ? values.Single() : "";
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        using var posted = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = formKey, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363",
        }));
        var after = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        if (caller == "citizen-app")
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.OK);
            after.ShouldBe(before + 1);
        }
        else
        {
            posted.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
            after.ShouldBe(before);
        }
    }
}

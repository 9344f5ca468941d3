using System.Net;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>
/// Every kind of caller against every kind of route: the answer each must get, and nothing changed by those refused
/// (the users of product contract section 1). Keys stand for systems; people's sessions are tested in SignInTests.
/// </summary>
public sealed class AccessMatrixTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    /// <summary>The callers: no credentials, a key nobody made, and a key of each role.</summary>
    public static readonly TheoryData<string> Callers = ["none", "bad-key", "citizen-app", "integration", "contractor", "gis", "handler", "admin"];

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
                status.ShouldBe(HttpStatusCode.Forbidden);
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
            status.ShouldBe(HttpStatusCode.Forbidden, body);
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

        // An empty operation name is no name: the only operation runs, and is checked.
        using var emptyName = await reader.PostAsync("/graphql", new StringContent(JsonSerializer.Serialize(new { query = audit, operationName = "" }), Encoding.UTF8, "application/json"));
        emptyName.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await emptyName.Content.ReadAsStringAsync()).ShouldContain("\"code\":\"FORBIDDEN\"");

        // A long chain of fragments hides nothing from the check on a cached document.
        var chain = "{ ...F1 } " + string.Join(" ", Enumerable.Range(1, 40).Select(i => $"fragment F{i} on Query {{ ...F{i + 1} }}")) + " fragment F41 on Query { auditLog(first: 1) { action } }";
        (await GraphQLAsync(admin, chain)).Status.ShouldBe(HttpStatusCode.OK);
        var (deepRefused, deepSaid) = await GraphQLAsync(reader, chain);
        deepRefused.ShouldBe(HttpStatusCode.BadRequest, deepSaid);
        deepSaid.ShouldContain("\"code\":\"FORBIDDEN\"");

        // Fragments that multiply (three spreads, thirty deep: 3^30 fields in 2 kB) are refused at once, for anyone.
        var bomb = "{ ...B1 } " + string.Join(" ", Enumerable.Range(1, 30).Select(i => $"fragment B{i} on Query {{ ...B{i + 1} ...B{i + 1} ...B{i + 1} }}")) + " fragment B31 on Query { layers { name } }";
        // (Refused by counting before validation, not by a clock: the refusal's code says which limit held.)
        var (bombed, bombSaid) = await GraphQLAsync(admin, bomb);
        bombed.ShouldBe(HttpStatusCode.BadRequest, bombSaid);
        bombSaid.ShouldContain("\"code\":\"COMPLEXITY\"");
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
            case "citizen-app":
                status.ShouldBe(HttpStatusCode.Forbidden);
                body.ShouldContain("\"code\":\"FORBIDDEN\"");
                break;
            default:
                status.ShouldBe(HttpStatusCode.OK);
                body.ShouldContain("FORBIDDEN");
                break;
        }
    }

    /// <summary>Every root field and mutation, asked in its smallest form.</summary>
    private static readonly (string Field, string Query)[] Operations =
    [
        ("layers", "{ layers { name } }"),
        ("organisations", "{ organisations { key } }"),
        ("responsibility", """{ responsibility(at: { x: 18.076363, y: 59.305782 }, taskType: "graffiti") { recipientRole } }"""),
        ("mapObject", """{ mapObject(id: "sthlm-assets:TK-BRO-0417-S1") { id } }"""),
        ("mapObjects", "{ mapObjects(first: 1) { totalCount } }"),
        ("contracts", "{ contracts { id } }"),
        ("contractOverlaps", """{ contractOverlaps(taskType: "graffiti") { areaSquareMetres } }"""),
        ("coverageGaps", """{ coverageGaps(taskType: "graffiti") { areaSquareMetres } }"""),
        ("taskTypes", "{ taskTypes { code } }"),
        ("cases", "{ cases { id } }"),
        ("case", """{ case(id: "1") { id } }"""),
        ("auditLog", "{ auditLog(first: 1) { action } }"),
        ("createCase", """mutation { createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 } }) { created } }"""),
        ("forwardCase", """mutation { forwardCase(id: "CASE", recipient: "klotterfritt", expectedVersion: 1) { status } }"""),
        ("askCitizen", """mutation { askCitizen(id: "CASE", question: "Which pillar?") { status } }"""),
        ("closeCase", """mutation { closeCase(id: "CASE", resolution: ALREADY_FIXED, answer: "Cleaned yesterday") { status } }"""),
        ("reopenCase", """mutation { reopenCase(id: "CASE", reason: "matrix") { status } }"""),
        ("rerouteCase", """mutation { rerouteCase(id: "CASE", expectedVersion: 1, reason: "matrix", category: "litter") { status } }"""),
        ("retryDeliveries", """mutation { retryDeliveries(id: "CASE") { status } }"""),
        ("setCaseStatus", """mutation { setCaseStatus(id: "CASE", status: IN_PROGRESS) { status } }"""),
        ("rejectCase", """mutation { rejectCase(id: "CASE", reason: "matrix") { status } }"""),
        ("replyToCitizen", """mutation { replyToCitizen(id: "CASE", text: "matrix") { status } }"""),
        ("moveCase", """mutation { moveCase(id: "CASE", at: { x: 18.0764, y: 59.3058 }) { status } }"""),
    ];

    public static TheoryData<string, string> CallersAndOperations()
    {
        var data = new TheoryData<string, string>();
        foreach (var caller in new[] { "none", "citizen-app", "integration", "contractor", "gis", "handler", "admin" })
        foreach (var (field, _) in Operations) data.Add(caller, field);
        return data;
    }

    /// <summary>
    /// What the caller may do with the operation: allowed, refused before its request is read (a citizen app), refused
    /// before anything runs, or refused by the field.
    /// </summary>
    private static string Expected(string caller, string field) => (caller, field) switch
    {
        ("none", _) => "401",
        ("citizen-app", _) => "403 FORBIDDEN",
        (_, "auditLog") => caller == "admin" ? "ok" : "400 FORBIDDEN",
        ("handler" or "admin", _) => "ok",
        ("contractor", "cases" or "case") => "ok",
        ("contractor", "setCaseStatus" or "rejectCase") => "UNKNOWN_CASE", // not a case sent to it: as if it did not exist
        (_, "cases" or "case" or "createCase" or "forwardCase" or "setCaseStatus" or "rejectCase" or "replyToCitizen" or "moveCase"
            or "askCitizen" or "closeCase" or "reopenCase" or "rerouteCase" or "retryDeliveries") => "FORBIDDEN",
        _ => "ok",
    };

    [Theory]
    [MemberData(nameof(CallersAndOperations))]
    public async Task Every_root_field_and_mutation_answers_each_caller_as_its_role_allows(string caller, string field)
    {
        // A fresh case to act on, with no contractor yet.
        var app = await server.Services.GetRequiredService<ApiKeys>().FindAsync(
            await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"matrix-app-{Guid.NewGuid():N}", "citizen-app", null, null, CancellationToken.None),
            CancellationToken.None);
        var made = await server.Services.GetRequiredService<CaseStore>().CreateAsync(
            new NewCase("graffiti", 18.076363, 59.305782, "matrix", null, null, null, null, null, null, "en", "open311", null), app!.Actor, CancellationToken.None);
        var events = $"SELECT count(*) FROM case_events WHERE case_id = {made.Id}";
        var before = await server.Database.ScalarAsync<long>(events);
        var cases = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");

        using var client = await ClientAsync(caller);
        var query = Operations.Single(o => o.Field == field).Query.Replace("CASE", made.ServiceRequestId, StringComparison.Ordinal);
        var (status, body) = await GraphQLAsync(client, query);
        var codes = JsonDocument.Parse(body).RootElement.TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.TryGetProperty("extensions", out var x) && x.TryGetProperty("code", out var c) ? c.GetString() : null).ToList()
            : [];
        var expected = Expected(caller, field);
        switch (expected)
        {
            case "401":
                status.ShouldBe(HttpStatusCode.Unauthorized, body);
                break;
            case "400 FORBIDDEN":
                status.ShouldBe(HttpStatusCode.BadRequest, body);
                codes.ShouldBe(["FORBIDDEN"], body);
                break;
            case "403 FORBIDDEN":
                status.ShouldBe(HttpStatusCode.Forbidden, body);
                codes.ShouldBe(["FORBIDDEN"], body);
                break;
            case "ok":
                status.ShouldBe(HttpStatusCode.OK, body);
                codes.ShouldNotContain("FORBIDDEN", body);
                codes.ShouldNotContain("UNAUTHENTICATED", body);
                break;
            default:
                status.ShouldBe(HttpStatusCode.OK, body);
                codes.ShouldBe([expected], body);
                break;
        }
        if (expected != "ok")
        {
            // Refused: the case has no new event and no case was made.
            (await server.Database.ScalarAsync<long>(events)).ShouldBe(before);
            (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(cases);
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

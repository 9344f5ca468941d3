using System.Text.Json;
using DigitalTwin.Data.Access;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The inbox for a working day of hundreds of cases, in the database: filters, orders, pages and counts; who at the
/// city works a case; internal notes that never leave; who has a case open, seen from another server node; saved
/// views and each person's language. Each test marks its own cases with a word of its own and asks for that word, so
/// the tests run in any order beside each other.
/// </summary>
public sealed class InboxTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private const double PillarLon = 18.076363, PillarLat = 59.305782; // graffiti goes to klotterfritt

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private DeskState Desk => server.Services.GetRequiredService<DeskState>();

    private static readonly Actor Anna = new("user:test.anna");

    private async Task<JsonElement> DoAsync(string query)
    {
        var (_, body) = await server.AskAsync(await server.KeyAsync("handler"), query);
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        return body.GetProperty("data");
    }

    /// <summary>A phone case with the word in its description; its database id and number.</summary>
    private async Task<(long Id, string Number)> CreateAsync(string word, string category = "graffiti", double lon = PillarLon, double lat = PillarLat)
    {
        var x = lon.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var y = lat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var number = (await DoAsync($$"""
            mutation { createCase(input: { category: "{{category}}", channel: PHONE, at: { x: {{x}}, y: {{y}} }, description: "{{word}} on the pillar" })
              { case { serviceRequestId } } }
            """)).GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
        return (await server.Database.ScalarAsync<long>("SELECT id FROM cases WHERE service_request_id = $1", number), number);
    }

    /// <summary>A person of the users table, named as on the timeline (user:NAME).</summary>
    private async Task<string> PersonAsync(string username, string role = "handler")
    {
        await UserWriter.AddAsync(server.Database.DataSource, username, username.ToUpperInvariant(), role, "pw-" + Guid.NewGuid().ToString("N"), CancellationToken.None);
        return "user:" + username;
    }

    private Task<InboxPage> InboxAsync(string word, Func<InboxQuery, InboxQuery>? narrow = null, string? me = null) =>
        Cases.InboxAsync((narrow ?? (q => q))(new InboxQuery { Text = word }), me, CancellationToken.None);

    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task The_inbox_narrows_by_category_status_and_text_and_says_how_many_match()
    {
        var word = Word();
        var graffiti1 = await CreateAsync(word);
        var graffiti2 = await CreateAsync(word);
        var litter = await CreateAsync(word, "litter");

        var all = await InboxAsync(word);
        all.Matched.ShouldBe(3);
        all.Cases.Select(c => c.ServiceRequestId).ShouldBe([graffiti1.Number, graffiti2.Number, litter.Number]); // oldest first
        (await InboxAsync(word, q => q with { Categories = ["litter"] })).Cases.Single().ServiceRequestId.ShouldBe(litter.Number);
        (await InboxAsync(word, q => q with { Statuses = ["forwarded"] })).Matched.ShouldBe(0);
        // A case number is text too: the handler types it as the citizen reads it out.
        (await Cases.InboxAsync(new InboxQuery { Text = graffiti2.Number.ToLowerInvariant() }, null, CancellationToken.None)).Cases
            .Select(c => c.ServiceRequestId).ShouldContain(graffiti2.Number);
        (await InboxAsync(word, q => q with { Order = InboxOrder.Newest })).Cases[0].ServiceRequestId.ShouldBe(litter.Number);
        (await InboxAsync(word, q => q with { Order = InboxOrder.Category })).Cases[0].Category.ShouldBe("graffiti");
    }

    [Fact]
    public async Task Text_finds_cases_whatever_the_accents_and_the_case()
    {
        var word = Word();
        var (_, number) = await CreateAsync($"{word} Smörgåsbord på Götgatan");
        (await InboxAsync(word + " SMORGASBORD PA gotgatan")).Cases.Single().ServiceRequestId.ShouldBe(number);
        (await Cases.ListAsync(new CaseFilter { Text = word + " smorgåsbord", Limit = 10 }, CancellationToken.None)).Single().ServiceRequestId.ShouldBe(number);
    }

    [Fact]
    public async Task Pages_give_every_case_once_and_the_count_of_all()
    {
        var word = Word();
        var made = new List<string>();
        for (var i = 0; i < 5; i++) made.Add((await CreateAsync(word)).Number);
        var seen = new List<string>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            var page = await InboxAsync(word, q => q with { Limit = 2, Offset = offset });
            page.Matched.ShouldBe(5);
            seen.AddRange(page.Cases.Select(c => c.ServiceRequestId));
        }
        seen.ShouldBe(made);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(501, 0)]
    [InlineData(10, -1)]
    public async Task A_page_out_of_bounds_is_refused_with_a_reason(int limit, int offset)
    {
        var refused = await Should.ThrowAsync<TwinException>(() => Cases.InboxAsync(new InboxQuery { Limit = limit, Offset = offset }, null, CancellationToken.None));
        refused.Code.ShouldBe(ErrorCodes.BadInput);
    }

    [Fact]
    public async Task Urgency_puts_overdue_cases_first_and_the_counts_name_them()
    {
        var word = Word();
        var waiting = await CreateAsync(word);
        var dueLater = await CreateAsync(word);
        var overdue = await CreateAsync(word);
        // Two forwarded cases, one owed tomorrow and one owed two hours ago (the due time is set on forward from the
        // contract's response time; here it is set directly so the test does not wait).
        foreach (var (id, due) in new[] { (dueLater.Id, "now() + interval '1 day'"), (overdue.Id, "now() - interval '2 hours'") })
        {
            await server.Database.ScalarAsync<int>("WITH u AS (UPDATE cases SET status = 'forwarded', assignee = 'klotterfritt' WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM u", id);
            await server.Database.ScalarAsync<int>($"WITH u AS (UPDATE cases SET due_at = {due} WHERE id = $1 RETURNING 1) SELECT count(*)::int FROM u", id);
        }

        var urgent = await InboxAsync(word, q => q with { Order = InboxOrder.Urgency });
        urgent.Cases.Select(c => c.ServiceRequestId).ShouldBe([overdue.Number, waiting.Number, dueLater.Number]);
        urgent.Cases[0].DueAt.ShouldNotBeNull();
        (await InboxAsync(word, q => q with { OverdueOnly = true })).Cases.Single().ServiceRequestId.ShouldBe(overdue.Number);
        urgent.Counts.Overdue.ShouldBeGreaterThanOrEqualTo(1);
    }

    [Fact]
    public async Task A_case_given_to_a_colleague_is_theirs_and_an_action_shown_before_is_stale()
    {
        var word = Word();
        var bo = await PersonAsync("bo." + word);
        var (id, number) = await CreateAsync(word);
        var version = await server.Database.ScalarAsync<int>("SELECT version FROM cases WHERE id = $1", id);

        await Cases.AssignHandlerAsync(id, bo, version, Anna, CancellationToken.None);
        var mine = await InboxAsync(word, q => q with { Handler = bo }, me: bo);
        mine.Cases.Single().Handler.ShouldBe(bo);
        mine.Counts.Mine.ShouldBe(1);
        (await InboxAsync(word, q => q with { UnassignedOnly = true })).Matched.ShouldBe(0);
        // The timeline says who gave it to whom; the version moved on, so an action shown before is refused.
        (await server.Database.ScalarAsync<string>("SELECT data ->> 'to' FROM case_events WHERE case_id = $1 AND kind = 'handler'", id)).ShouldBe(bo);
        var stale = await Should.ThrowAsync<TwinException>(() => Cases.AssignHandlerAsync(id, null, version, Anna, CancellationToken.None));
        stale.Code.ShouldBe(ErrorCodes.StaleCase);

        await Cases.AssignHandlerAsync(id, null, version + 1, Anna, CancellationToken.None);
        (await InboxAsync(word, q => q with { UnassignedOnly = true })).Cases.Single().ServiceRequestId.ShouldBe(number);
    }

    [Fact]
    public async Task The_colleagues_one_gave_cases_to_lately_come_first_after_oneself()
    {
        var word = Word();
        var anna = await PersonAsync("anna." + word);
        var bo = await PersonAsync("zz-bo." + word); // last by name
        var (id, _) = await CreateAsync(word);
        await Cases.AssignHandlerAsync(id, bo, null, new Actor(anna), CancellationToken.None);

        var people = (await Desk.ColleaguesAsync(anna, CancellationToken.None)).Select(p => p.Id).ToList();
        people.Take(2).ShouldBe([anna, bo]);
        (await Desk.ColleaguesAsync(bo, CancellationToken.None))[0].Id.ShouldBe(bo);
    }

    [Theory]
    [InlineData("gis")]
    [InlineData("disabled")]
    [InlineData("nobody")]
    public async Task A_case_goes_only_to_a_person_who_works_cases(string who)
    {
        var word = Word();
        var username = who switch
        {
            "gis" => await PersonAsync("gis." + word, "gis"),
            "disabled" => await PersonAsync("gone." + word),
            _ => "user:nobody." + word,
        };
        if (who == "disabled") await server.Database.ScalarAsync<int>("WITH u AS (UPDATE users SET disabled_at = now() WHERE 'user:' || username = $1 RETURNING 1) SELECT count(*)::int FROM u", username);
        var (id, _) = await CreateAsync(word);
        var refused = await Should.ThrowAsync<TwinException>(() => Cases.AssignHandlerAsync(id, username, null, Anna, CancellationToken.None));
        refused.Code.ShouldBe(ErrorCodes.UnknownHandler);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM case_events WHERE case_id = $1 AND kind = 'handler'", id)).ShouldBe(0);
    }

    [Fact]
    public async Task An_internal_note_is_on_the_timeline_and_never_in_open311_nor_with_the_recipient()
    {
        var word = Word();
        var (id, number) = await CreateAsync(word);
        var version = await server.Database.ScalarAsync<int>("SELECT version FROM cases WHERE id = $1", id);
        var secret = "internal-" + word;
        await Cases.AddNoteAsync(id, $"The caller is the caretaker; {secret}", Anna, CancellationToken.None);

        (await server.Database.ScalarAsync<int>("SELECT version FROM cases WHERE id = $1", id)).ShouldBe(version); // nothing shown went stale
        (await server.Database.ScalarAsync<string>("SELECT data ->> 'text' FROM case_events WHERE case_id = $1 AND kind = 'note'", id)).ShouldContain(secret);
        // Forwarded: the recipient's payload is written at the forward; nothing of the note is in it, nor in Open311.
        await DoAsync($$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: {{version}}) { status } }""");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE case_id = $1 AND payload::text LIKE '%' || $2 || '%'", id, secret)).ShouldBe(0);
        using var client = server.CreateClient();
        (await client.GetStringAsync($"/open311/v2/requests/{number}.json")).ShouldNotContain(secret);
        (await client.GetStringAsync("/open311/v2/servicerequestupdates.json")).ShouldNotContain(secret);
    }

    [Fact]
    public async Task A_colleague_with_the_case_open_on_another_node_is_seen_and_stops_being_seen_when_they_leave()
    {
        var word = Word();
        var anna = await PersonAsync("anna." + word);
        var bo = await PersonAsync("bo." + word);
        var (id, _) = await CreateAsync(word);
        // A second server node: its own connections to the same database, nothing shared in memory.
        await using var otherNode = TwinDatabase.CreateDataSource(server.Database.ConnectionString, "second-node");
        var elsewhere = new DeskState(otherNode, TimeProvider.System);

        var (asAnna, asBo) = (new DeskState.Person(anna, "Anna"), new DeskState.Person(bo, "Bo"));
        var (annasView, bosView) = (Guid.NewGuid(), Guid.NewGuid());
        (await Desk.ViewingAsync(id, asAnna, annasView, CancellationToken.None)).ShouldBeEmpty();
        (await elsewhere.ViewingAsync(id, asBo, bosView, CancellationToken.None)).Select(p => p.Id).ShouldBe([anna]);
        (await Desk.ViewingAsync(id, asAnna, annasView, CancellationToken.None)).Single().Name.ShouldBe("Bo");
        await Desk.LeftAsync(id, anna, annasView, CancellationToken.None);
        (await elsewhere.ViewingAsync(id, asBo, bosView, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_view_that_leaves_late_does_not_end_a_later_view_of_the_same_case_by_the_same_person()
    {
        var word = Word();
        var anna = await PersonAsync("anna." + word);
        var bo = await PersonAsync("bo." + word);
        var (id, _) = await CreateAsync(word);
        var (asAnna, asBo) = (new DeskState.Person(anna, "Anna"), new DeskState.Person(bo, "Bo"));
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        // Anna's case box is drawn anew (or she opens the case in a second tab): the new view says "open" before the
        // old one's "left" arrives. The old one's leaving is not hers to end the new one's.
        await Desk.ViewingAsync(id, asAnna, first, CancellationToken.None);
        await Desk.ViewingAsync(id, asAnna, second, CancellationToken.None);
        await Desk.LeftAsync(id, anna, first, CancellationToken.None);
        (await Desk.ViewingAsync(id, asBo, Guid.NewGuid(), CancellationToken.None)).Select(p => p.Id).ShouldBe([anna]);

        // The view that has it leaves: Bo stops being warned at once.
        await Desk.LeftAsync(id, anna, second, CancellationToken.None);
        (await Desk.ViewingAsync(id, asBo, Guid.NewGuid(), CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Saved_views_are_a_handlers_own_and_a_bad_one_is_refused()
    {
        var word = Word();
        var anna = await PersonAsync("anna." + word);
        var bo = await PersonAsync("bo." + word);
        await Desk.SaveViewAsync(anna, "Överdue graffiti", """{"category":"graffiti","overdue":true}""", CancellationToken.None);
        await Desk.SaveViewAsync(anna, "Överdue graffiti", """{"category":"graffiti","overdue":false}""", CancellationToken.None); // replaced
        (await Desk.ViewsAsync(anna, CancellationToken.None)).Single().Filter.ShouldContain("false");
        (await Desk.ViewsAsync(bo, CancellationToken.None)).ShouldBeEmpty();
        (await Should.ThrowAsync<TwinException>(() => Desk.SaveViewAsync(anna, "x", "[1]", CancellationToken.None))).Code.ShouldBe(ErrorCodes.BadInput);
        (await Should.ThrowAsync<TwinException>(() => Desk.SaveViewAsync(anna, "x", "{", CancellationToken.None))).Code.ShouldBe(ErrorCodes.BadInput);
        (await Should.ThrowAsync<TwinException>(() => Desk.SaveViewAsync(anna, " ", "{}", CancellationToken.None))).Code.ShouldBe(ErrorCodes.BadInput);
        await Desk.DeleteViewAsync(anna, "Överdue graffiti", CancellationToken.None);
        (await Desk.ViewsAsync(anna, CancellationToken.None)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_persons_language_is_remembered_and_only_fi_sv_en_are_taken()
    {
        var anna = "oidc:anna." + Word(); // someone from the city's identity provider, with no row in users
        (await Desk.LanguageAsync(anna, CancellationToken.None)).ShouldBeNull();
        await Desk.SetLanguageAsync(anna, "sv", CancellationToken.None);
        (await Desk.LanguageAsync(anna, CancellationToken.None)).ShouldBe("sv");
        (await Should.ThrowAsync<TwinException>(() => Desk.SetLanguageAsync(anna, "de", CancellationToken.None))).Code.ShouldBe(ErrorCodes.BadInput);
    }
}

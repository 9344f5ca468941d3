using System.Net;
using System.Text.Json;
using System.Xml.Linq;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// product contract section 6 end to end through HTTP: a citizen app posts through Open311, the case is routed, forwarded
/// through the outbox to the contractor's system, and the contractor's status comes back to the citizen.
/// </summary>
public sealed class CaseFlowTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    private const string PillarLat = "59.305782", PillarLon = "18.076363"; // story S1: graffiti goes to klotterfritt

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    private async Task<string> KeyAsync(string role, string? organisation = null) =>
        await server.Services.GetRequiredService<ApiKeys>().CreateAsync($"test-{role}-{Guid.NewGuid():N}", role, organisation, null, CancellationToken.None);

    private static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string path, FormUrlEncodedContent form, string? idempotencyKey = null)
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task<string> PostGraffitiAsync(string appKey, string idempotencyKey) =>
        (await PostAsync("/open311/v2/requests.json", Form(("api_key", appKey), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon),
            ("description", "Tags on the bridge pillar"), ("email", "citizen@example.org"), ("first_name", "Anna"), ("locale", "sv")), idempotencyKey))
        .Body[0].GetProperty("service_request_id").GetString()!;

    private Task EventuallyAsync(Func<Task<bool>> condition, string what) => server.EventuallyAsync(condition, what);

    [Fact]
    public async Task A_citizens_report_is_routed_forwarded_once_and_the_contractors_status_comes_back()
    {
        var app = await KeyAsync("citizen-app");
        var id = await PostGraffitiAsync(app, "report-1");
        (await PostGraffitiAsync(app, "report-1")).ShouldBe(id); // a retried post is the same case
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM cases WHERE idempotency_key = 'report-1'")).ShouldBe(1);

        var received = (await Cases.FindAsync(id, CancellationToken.None))!;
        received.Status.ShouldBe(CaseStatus.Received);
        received.SuggestedTo.ShouldBe("klotterfritt");
        received.ObjectId.ShouldBe("sthlm-assets:TK-BRO-0417-S1");

        await Cases.ForwardAsync(received.Id, new ForwardRequest(null, Note: "Please remove today."), new Actor("handler:test"), CancellationToken.None);
        await EventuallyAsync(() => Task.FromResult(server.Simulator.All.Any(r => r.Body.Contains(id, StringComparison.Ordinal))), "the contractor's system receives the case");
        var delivered = server.Simulator.All.Single(r => r.Body.Contains(id, StringComparison.Ordinal));
        delivered.Organisation.ShouldBe("klotterfritt");
        delivered.Times.ShouldBe(1);
        delivered.Body.ShouldNotContain("citizen@example.org"); // the reporter's contact stays with us
        delivered.Body.ShouldNotContain("Anna");
        await EventuallyAsync(async () => (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().State == "delivered", "the delivery is recorded");
        (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().ExternalId.ShouldBe(delivered.ExternalId);

        // The contractor's system reports back, FixMyStreet-style.
        var contractor = await KeyAsync("contractor", "klotterfritt");
        var update = Form(("api_key", contractor), ("service_request_id", id), ("update_id", "u-1"), ("updated_datetime", "2026-11-24T10:00:00+01:00"),
            ("status", "IN_PROGRESS"), ("description", "Crew on the way"), ("external_status_code", "STARTED"));
        (await PostAsync("/open311/v2/servicerequestupdates.json", update)).Status.ShouldBe(HttpStatusCode.OK);
        (await Cases.FindAsync(id, CancellationToken.None))!.Status.ShouldBe(CaseStatus.InProgress);
        var events = (await Cases.TimelineAsync(received.Id, CancellationToken.None)).Count;
        var again = await PostAsync("/open311/v2/servicerequestupdates.json", Form(("api_key", contractor), ("service_request_id", id), ("update_id", "u-1"), ("status", "FIXED")));
        again.Body[0].GetProperty("service_notice").GetString().ShouldBe("Already received.");
        (await Cases.TimelineAsync(received.Id, CancellationToken.None)).Count.ShouldBe(events); // nothing changed
        (await Cases.FindAsync(id, CancellationToken.None))!.Status.ShouldBe(CaseStatus.InProgress);

        var stranger = await KeyAsync("contractor", "gatudrift-soder");
        (await PostAsync("/open311/v2/servicerequestupdates.json", Form(("api_key", stranger), ("service_request_id", id), ("update_id", "x-1"), ("status", "FIXED"))))
            .Status.ShouldBe(HttpStatusCode.Forbidden);

        (await PostAsync("/open311/v2/servicerequestupdates.json", Form(("api_key", contractor), ("service_request_id", id), ("update_id", "u-2"), ("status", "FIXED"), ("description", "Removed."))))
            .Status.ShouldBe(HttpStatusCode.OK);

        // The citizen sees it through Open311, without anybody's contact details.
        using var client = server.CreateClient();
        var json = await client.GetStringAsync($"/open311/v2/requests/{id}.json");
        var request = JsonDocument.Parse(json).RootElement[0];
        request.GetProperty("status").GetString().ShouldBe("closed");
        request.GetProperty("status_notes").GetString().ShouldBe("Removed.");
        request.GetProperty("agency_responsible").GetString().ShouldBe("klotterfritt");
        json.ShouldNotContain("citizen@example.org");

        // And the citizen gets an e-mail at the address they left, in the language they wrote in, once.
        MimeKit.MimeMessage[] mails = [];
        await EventuallyAsync(() => Task.FromResult((mails = Directory.Exists(Path.Combine(server.MailDir, "new"))
            ? [.. Directory.GetFiles(Path.Combine(server.MailDir, "new")).Select(f => MimeKit.MimeMessage.Load(f)).Where(m => m.Subject?.Contains(id, StringComparison.Ordinal) == true)]
            : []).Length > 0), "the citizen's e-mail arrives");
        // (The worker records a batch after its messages went out: the record may trail the mail by a moment.)
        await EventuallyAsync(async () => (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single(d => d.Channel == "citizen-email").State == "delivered",
            "the citizen's e-mail is recorded as delivered");
        var mail = mails.ShouldHaveSingleItem();
        mail.To.ToString().ShouldBe("citizen@example.org");
        mail.Subject.ShouldBe($"Ditt ärende {id} är åtgärdat");
        mail.TextBody!.ShouldContain("Removed.");
        var timeline = (await Cases.TimelineAsync(received.Id, CancellationToken.None)).Select(e => e.Kind).ToList();
        timeline.ShouldBe(["received", "suggested", "forwarded", "delivered", "status", "status", "delivered"]);
    }

    [Fact]
    public async Task A_receiver_down_for_a_while_gets_the_case_once_when_it_is_back()
    {
        var id = await PostGraffitiAsync(await KeyAsync("citizen-app"), "report-down");
        var received = (await Cases.FindAsync(id, CancellationToken.None))!;
        server.Simulator.Down = true;
        try
        {
            await Cases.ForwardAsync(received.Id, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);
            await EventuallyAsync(async () => (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().Attempts >= 2, "two failed attempts");
            var failing = (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single();
            failing.State.ShouldBe("pending");
            failing.LastError!.ShouldContain("503");
        }
        finally
        {
            server.Simulator.Down = false;
        }
        await EventuallyAsync(async () => (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().State == "delivered", "delivered once back up");
        server.Simulator.All.Single(r => r.Body.Contains(id, StringComparison.Ordinal)).Times.ShouldBe(1);
        (await Cases.TimelineAsync(received.Id, CancellationToken.None)).Select(e => e.Kind).ShouldContain("delivery-failed");
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_becomes_dead_and_says_so_on_the_case()
    {
        var id = await PostGraffitiAsync(await KeyAsync("citizen-app"), "report-dead");
        var received = (await Cases.FindAsync(id, CancellationToken.None))!;
        // A receiver that is gone for good: nothing listens at its address.
        await server.Database.ScalarAsync<int>("UPDATE organisations SET webhook_url = 'http://127.0.0.1:9/gone' WHERE key = 'brounderhall-norden'");
        await Cases.ForwardAsync(received.Id, new ForwardRequest("brounderhall-norden", Reason: "The test names another recipient"), new Actor("handler:test"), CancellationToken.None);
        await EventuallyAsync(async () => (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().State == "dead", "the delivery is dead");
        (await Cases.DeliveriesAsync(received.Id, CancellationToken.None)).Single().Attempts.ShouldBe(4);
        (await Cases.TimelineAsync(received.Id, CancellationToken.None))[^1].Kind.ShouldBe("dead-letter");
    }

    [Fact]
    public async Task A_model_answer_reaches_the_citizen_in_their_language_through_open311_and_e_mail()
    {
        var id = await PostGraffitiAsync(await KeyAsync("citizen-app"), "reply-1");
        var received = (await Cases.FindAsync(id, CancellationToken.None))!;
        var answers = Cases.AnswersFor("graffiti", received.Status);
        answers.Count.ShouldBe(4); // graffiti's own, the two for any task, and the one for a case not yet routed (appsettings.json)
        var text = answers[0].In(received.Language)!;
        text.ShouldStartWith("Tack för din anmälan"); // the citizen wrote in Swedish

        await Cases.ReplyAsync(received.Id, text, new Actor("handler:test"), CancellationToken.None);
        using var client = server.CreateClient();
        JsonDocument.Parse(await client.GetStringAsync($"/open311/v2/requests/{id}.json")).RootElement[0].GetProperty("status_notes").GetString().ShouldBe(text);
        MimeKit.MimeMessage? mail = null;
        await EventuallyAsync(() => Task.FromResult((mail = Directory.Exists(Path.Combine(server.MailDir, "new"))
            ? Directory.GetFiles(Path.Combine(server.MailDir, "new")).Select(f => MimeKit.MimeMessage.Load(f)).FirstOrDefault(m => m.Subject == $"Svar på ditt ärende {id}")
            : null) is not null), "the reply's e-mail arrives");
        mail!.TextBody!.ShouldContain(text);
        (await Cases.TimelineAsync(received.Id, CancellationToken.None)).Select(e => e.Kind).ShouldContain("replied");
    }

    [Fact]
    public async Task A_moved_case_is_routed_again_at_its_new_place_but_a_forwarded_one_stays()
    {
        var id = await PostGraffitiAsync(await KeyAsync("citizen-app"), "move-1");
        var received = (await Cases.FindAsync(id, CancellationToken.None))!;
        received.SuggestedTo.ShouldBe("klotterfritt");
        await Cases.MoveAsync(received.Id, 18.076370, 59.309058, new Actor("handler:test"), CancellationToken.None); // Götgatan (story S5)
        var moved = (await Cases.FindAsync(id, CancellationToken.None))!;
        moved.SuggestedTo.ShouldBe("gatudrift-soder"); // the street's area contract covers graffiti
        moved.ObjectId.ShouldBe("sthlm-assets:TK-GATA-1001");
        (await Cases.TimelineAsync(received.Id, CancellationToken.None))[^1].Kind.ShouldBe("moved");

        await Cases.ForwardAsync(received.Id, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);
        (await Should.ThrowAsync<TwinException>(() => Cases.MoveAsync(received.Id, 18.076363, 59.305782, new Actor("handler:test"), CancellationToken.None)))
            .Code.ShouldBe("BAD_STATUS");
    }

    [Fact]
    public async Task A_second_report_on_the_same_object_is_offered_as_a_likely_duplicate()
    {
        // Damage on the housing company's building (story S3): no other test reports damage.
        var app = await KeyAsync("citizen-app");
        async Task<string> Report(string code, string key) =>
            (await PostAsync("/open311/v2/requests.json", Form(("api_key", app), ("service_code", code), ("lat", "59.309148"), ("long", "18.076844")), key))
            .Body[0].GetProperty("service_request_id").GetString()!;
        var first = await Report("damage", "dup-1");
        var second = await Report("damage", "dup-2");
        var other = await Report("winter-maintenance", "dup-3");
        var inbox = (await Cases.InboxAsync(new InboxQuery { Limit = 500 }, null, CancellationToken.None)).Cases;
        inbox.Single(c => c.ServiceRequestId == second).DuplicateOf.ShouldBe(first); // the same building, the same category
        inbox.Single(c => c.ServiceRequestId == first).DuplicateOf.ShouldBeNull();
        inbox.Single(c => c.ServiceRequestId == other).DuplicateOf.ShouldBeNull(); // another category
    }

    [Theory]
    [InlineData("", "graffiti", "59.3", "18.07", 403, "api_key")]
    [InlineData("KEY", "", "59.3", "18.07", 400, "service_code")]
    [InlineData("KEY", "fireworks", "59.3", "18.07", 400, "no service 'fireworks'")]
    [InlineData("KEY", "graffiti", "95", "18.07", 400, "lat must be a latitude")]
    [InlineData("KEY", "graffiti", "59.3", "east", 400, "long must be a longitude")]
    [InlineData("KEY", "graffiti", "", "", 400, "lat and long are required")]
    public async Task A_bad_request_gets_the_specifications_error_and_changes_nothing(string apiKey, string code, string lat, string lon, int status, string message)
    {
        var key = apiKey == "KEY" ? await KeyAsync("citizen-app") : "not-a-key";
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        var (actual, body) = await PostAsync("/open311/v2/requests.json", Form(("api_key", key), ("service_code", code), ("lat", lat), ("long", lon)));
        ((int)actual).ShouldBe(status);
        body[0].GetProperty("code").GetInt32().ShouldBe(status);
        body[0].GetProperty("description").GetString()!.ShouldContain(message);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Fact]
    public async Task A_ten_megabyte_description_and_an_unknown_request_are_refused()
    {
        var (status, body) = await PostAsync("/open311/v2/requests.json",
            Form(("api_key", await KeyAsync("citizen-app")), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon), ("description", new string('x', 10_000_000))));
        status.ShouldBe(HttpStatusCode.BadRequest);
        body[0].GetProperty("code").GetInt32().ShouldBe(400);

        using var client = server.CreateClient();
        using var missing = await client.GetAsync("/open311/v2/requests/1999-999999.json");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var xml = await client.GetAsync("/open311/v2/requests/1999-999999.xml");
        XDocument.Parse(await xml.Content.ReadAsStringAsync()).Root!.Element("error")!.Element("code")!.Value.ShouldBe("404");
    }

    [Fact]
    public async Task Services_and_discovery_answer_in_json_and_xml_in_the_asked_language()
    {
        using var client = server.CreateClient();
        var services = JsonDocument.Parse(await client.GetStringAsync("/open311/v2/services.json?locale=sv")).RootElement;
        var graffiti = services.EnumerateArray().Single(s => s.GetProperty("service_code").GetString() == "graffiti");
        graffiti.GetProperty("service_name").GetString().ShouldBe("Klottersanering");
        graffiti.GetProperty("type").GetString().ShouldBe("realtime");

        var xml = XDocument.Parse(await client.GetStringAsync("/open311/v2/services.xml?locale=fi"));
        xml.Root!.Name.LocalName.ShouldBe("services");
        xml.Root.Elements("service").Single(s => s.Element("service_code")!.Value == "graffiti").Element("service_name")!.Value.ShouldBe("Töhryjen poisto");

        var discovery = JsonDocument.Parse(await client.GetStringAsync("/open311/v2/discovery.json")).RootElement;
        discovery.GetProperty("endpoints")[0].GetProperty("url").GetString()!.ShouldEndWith("/open311/v2");
        (await client.GetAsync("/open311/v2/services/graffiti.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.GetAsync("/open311/v2/services/nope.json")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Retried_posts_that_arrive_together_make_one_case_per_key_and_every_answer_names_it()
    {
        // The shape that broke intake: many retries of the same posts at once, so that the retries' look-ups of the
        // earlier case share pooled connections with other posts' inserts. A post answered 503 (every connection busy
        // for longer than the budget's wait) is tried again after its Retry-After, as a client does.
        var app = await KeyAsync("citizen-app");
        var run = Guid.NewGuid().ToString("N")[..8];
        var posts = Enumerable.Range(0, 20).SelectMany(k => Enumerable.Repeat($"together-{run}-{k}", 10)).ToList();
        using var client = server.CreateClient();
        var answers = await Task.WhenAll(posts.Select(async key =>
        {
            for (var attempt = 1; ; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json")
                {
                    Content = Form(("api_key", app), ("service_code", "graffiti"), ("lat", PillarLat), ("long", PillarLon), ("description", key)),
                };
                request.Headers.Add("Idempotency-Key", key);
                using var response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
                var body = await response.Content.ReadAsStringAsync();
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is { } wait && attempt < 10)
                {
                    await Task.Delay(wait);
                    continue;
                }
                return (Key: key, Status: (int)response.StatusCode, Id: response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement[0].GetProperty("service_request_id").GetString() : body);
            }
        }));

        answers.Where(a => a.Status != 200).ShouldBeEmpty();
        foreach (var perKey in answers.GroupBy(a => a.Key)) perKey.Select(a => a.Id).Distinct().Count().ShouldBe(1, $"every answer for {perKey.Key} names the same case");
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE idempotency_key LIKE $1", $"together-{run}-%")).ShouldBe(20);
        (await server.Database.ScalarAsync<long>("SELECT count(DISTINCT idempotency_key) FROM cases WHERE idempotency_key LIKE $1", $"together-{run}-%")).ShouldBe(20);
    }

    [Fact]
    public async Task The_request_list_keeps_to_its_window_and_filters()
    {
        var id = await PostGraffitiAsync(await KeyAsync("citizen-app"), "report-list");
        using var client = server.CreateClient();
        var recent = JsonDocument.Parse(await client.GetStringAsync("/open311/v2/requests.json?service_code=graffiti&status=open")).RootElement;
        recent.EnumerateArray().Select(r => r.GetProperty("service_request_id").GetString()).ShouldContain(id);
        var old = JsonDocument.Parse(await client.GetStringAsync("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z")).RootElement;
        old.GetArrayLength().ShouldBe(0);
        var wide = await client.GetAsync("/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2020-12-31T00:00:00Z");
        wide.StatusCode.ShouldBe(HttpStatusCode.BadRequest); // more than 90 days
        var byId = JsonDocument.Parse(await client.GetStringAsync($"/open311/v2/requests.json?service_request_id={id}")).RootElement;
        byId.GetArrayLength().ShouldBe(1);
    }
}

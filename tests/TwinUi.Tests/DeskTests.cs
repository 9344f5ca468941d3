using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace DigitalTwin.Ui.Tests;

/// <summary>
/// The sample city with the contractor simulator on a real loopback port, where a failed delivery waits a minute for
/// its next try: long enough to see it failing, and to try again by hand.
/// </summary>
public sealed class DeskCity : CaseCityServer
{
    public DeskCity() => UseKestrel(0);

    /// <summary>The handler's signed-in browser state (cookies), so that each test need not sign in again.</summary>
    public string? HandlerSession { get; set; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:FirstRetrySeconds", "60");
        builder.UseSetting("Outbox:MaxRetrySeconds", "60");
    }
}

/// <summary>
/// The handler's desk in Chromium: a case goes only where the handler saw it go, the pickers of the map only browse,
/// every case has a way out, deliveries say how they stand, a call becomes a case, and every case is found again with
/// its whole history. Places and recipients are the sample city's stories (data/sample/README.md).
/// </summary>
public sealed class DeskTests(DeskCity server, Browser browser) : IClassFixture<DeskCity>, IClassFixture<Browser>
{
    private const double PillarLon = 18.076363, PillarLat = 59.305782; // S1: graffiti goes to klotterfritt
    private const double GotgatanLon = 18.076370, GotgatanLat = 59.309058; // S5: a pothole goes to gatudrift-soder
    private const double RingvagenLon = 18.079002, RingvagenLat = 59.308402; // S11: litter where two street contracts overlap
    private const double ParkLon = 18.074611, ParkLat = 59.307264; // S9: park care in Skanstullsparken
    private const double HousingLon = 18.076844, HousingLat = 59.309148; // S3: damage goes to fastighetsservice-malardalen

    private static readonly Actor Seeder = new("user:test.seeder");

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    /// <summary>A case taken in as a citizen app would, routed by the server; its id and number.</summary>
    private async Task<(long Id, string Number)> CaseAsync(string category, double lon, double lat, string? email = null)
    {
        var made = await Cases.CreateAsync(new NewCase(category, lon, lat, $"Desk test {Guid.NewGuid():N}", null, null, email, null, null, null, "en",
            CaseChannel.Open311, null), Seeder, CancellationToken.None);
        return (made.Id, made.ServiceRequestId);
    }

    private async Task<MapPage> OpenAsync(int width = 1440)
    {
        var map = new MapPage(await browser.NewPageAsync(server.HandlerSession, width));
        if (server.HandlerSession is null)
        {
            await map.OpenAsync(server);
            server.HandlerSession = await map.Page.Context.StorageStateAsync();
        }
        else
        {
            await map.OpenSignedInAsync(server);
        }
        return map;
    }

    private Task<T> ScalarAsync<T>(string sql, params object[] parameters) => server.Database.ScalarAsync<T>(sql, parameters);

    private Task<string> AssigneeAsync(string number) => ScalarAsync<string>("SELECT assignee FROM cases WHERE service_request_id = $1", number);

    /// <summary>The latest event of a kind on a case's timeline, as JSON text.</summary>
    private Task<string> EventAsync(string number, string kind) => ScalarAsync<string>(
        "SELECT e.data::text FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.service_request_id = $1 AND e.kind = $2 ORDER BY e.id DESC LIMIT 1", number, kind);

    [Fact]
    public async Task A_forward_clicked_as_another_case_is_selected_goes_to_its_own_recipient_or_nowhere()
    {
        var (_, a) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var (_, b) = await CaseAsync("pothole", GotgatanLon, GotgatanLat);
        var map = await OpenAsync();
        await map.RunAsync("desk-race", async () =>
        {
            // A slow connection for the page's requests. The race itself is the two clicks below in one instant:
            // both leave the browser before any answer to the first can come back, however fast the socket is.
            var cdp = await map.Page.Context.NewCDPSessionAsync(map.Page);
            await cdp.SendAsync("Network.enable");
            await cdp.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
            {
                ["offline"] = false, ["latency"] = 400, ["downloadThroughput"] = -1, ["uploadThroughput"] = -1,
            });
            await map.SelectCaseAsync(a);
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("klotterfritt");

            // Case B chosen in the inbox and Forward clicked in the same instant: the Forward on screen is still A's.
            var clicked = await map.Page.EvaluateAsync<string>("""
                b => {
                  document.querySelector(`[data-testid=inbox] [data-case='${b}'] button`).click();
                  const forward = document.querySelector('[data-testid=forward]');
                  forward.click();
                  return forward.dataset.case;
                }
                """, b);
            clicked.ShouldBe(a);
            await map.WaitForCaseAsync(b);
            // The page said that nothing was done for the click, and offers B's own recipient for B.
            (await map.Page.Locator("[data-testid=desk-notice]").InnerTextAsync()).ShouldContain("nothing was done");
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("gatudrift-soder");
            await map.Page.ClickAsync($"[data-testid=forward][data-case='{b}']");
            await map.Page.WaitForSelectorAsync($"[data-testid=inbox] [data-case='{b}'][data-status=forwarded]");

            (await ScalarAsync<long>("""
                SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id
                WHERE c.service_request_id IN ($1, $2) AND o.recipient IS NOT NULL AND o.recipient IS DISTINCT FROM c.suggested_to
                """, a, b)).ShouldBe(0);
            (await AssigneeAsync(b)).ShouldBe("gatudrift-soder");
            (await AssigneeAsync(a) ?? "klotterfritt").ShouldBe("klotterfritt");
        });
    }

    [Fact]
    public async Task Cases_chosen_faster_than_they_open_leave_the_page_working_and_only_the_last_one_open_here()
    {
        var (a, first) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var (b, second) = await CaseAsync("pothole", GotgatanLon, GotgatanLat);
        var (c, third) = await CaseAsync("damage", HousingLon, HousingLat);
        var map = await OpenAsync();
        await map.RunAsync("desk-selection-race", async () =>
        {
            // Each burst chooses three cases in one instant, so that each case box's parts get their new case before
            // they have finished with the one before (Blazor does not wait for that): the page must stay whole.
            for (var burst = 0; burst < 8; burst++)
            {
                await map.Page.EvaluateAsync("""
                    numbers => numbers.forEach(n => document.querySelector(`[data-testid=inbox] [data-case='${n}'] button`).click())
                    """, new[] { first, second, third });
            }
            await map.WaitForCaseAsync(third);
            // Still answering clicks: a form opens and closes.
            await map.Page.ClickAsync("[data-testid=way-other]");
            await map.Page.WaitForSelectorAsync("[data-testid=org-query]");
            // Open here: the last case only, within 5 s; the others were left, whatever order the rounds ended in (a
            // case box made anew is a view of its own, which its predecessor's late "left" does not remove).
            for (var i = 0; i < 50 && await OpenHereAsync() != $"{c}"; i++) await Task.Delay(100);
            (await OpenHereAsync()).ShouldBe($"{c}", $"cases {a}, {b}, {c}: open here should be only the last");
        });

        Task<string> OpenHereAsync() => ScalarAsync<string>(
            "SELECT coalesce(string_agg(case_id::text, ',' ORDER BY case_id), '') FROM case_viewers WHERE person = 'user:test.handler' AND case_id = ANY ($1)",
            new[] { a, b, c });
    }

    [Fact]
    public async Task The_task_type_and_date_pickers_only_browse_and_changing_the_category_is_an_explicit_reroute()
    {
        var (_, number) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var map = await OpenAsync();
        await map.RunAsync("desk-browsing", async () =>
        {
            await map.SelectCaseAsync(number);
            await map.WaitForRecipientAsync("klotterfritt");
            (await map.Page.Locator("[data-testid=browsing]").CountAsync()).ShouldBe(0);

            // Another task type and another date: the panel answers them, says it is browsing, and the case's Forward stays.
            await map.Page.SelectOptionAsync("[data-testid=task-type]", "damage");
            await map.WaitForRecipientAsync("brounderhall-norden");
            (await map.Page.Locator("[data-testid=browsing]").InnerTextAsync()).ShouldContain("Browsing");
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("klotterfritt");
            await map.Page.FillAsync("[data-testid=as-of]", "2024-06-15");
            await map.Page.WaitForSelectorAsync("[data-testid=recipient]:not([data-recipient=brounderhall-norden])");
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("klotterfritt");
            await map.Page.ClickAsync("[data-testid=back-to-case]");
            await map.WaitForRecipientAsync("klotterfritt");
            await map.Page.WaitForSelectorAsync("[data-testid=browsing]", new() { State = WaitForSelectorState.Detached });

            // Changing the category is the explicit way, with a reason: the new suggestion shows before anything is sent.
            await map.Page.SelectOptionAsync("[data-testid=task-type]", "damage");
            await map.Page.WaitForSelectorAsync("[data-testid=browsing]");
            await map.Page.ClickAsync("[data-testid=way-category]");
            (await map.Page.InputValueAsync("[data-testid=new-category]")).ShouldBe("damage");
            await map.Page.FillAsync("[data-testid=form-category] [data-testid=way-reason]", "The caller says the pillar is cracked, not painted");
            await map.Page.ClickAsync("[data-testid=reroute]");
            await map.Page.WaitForSelectorAsync("[data-testid=suggestion][data-recipient=brounderhall-norden]");
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("brounderhall-norden");
            (await map.Page.Locator("[data-testid=case-explanation] li").CountAsync()).ShouldBeGreaterThan(0);
            await map.Page.WaitForSelectorAsync("[data-testid=browsing]", new() { State = WaitForSelectorState.Detached });
            (await ScalarAsync<string>("SELECT category || ' ' || status FROM cases WHERE service_request_id = $1", number)).ShouldBe("damage received");
            (await ScalarAsync<long>("SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", number)).ShouldBe(0);
            (await EventAsync(number, "rerouted")).ShouldContain("The caller says the pillar is cracked");
        });
    }

    [Fact]
    public async Task On_a_conflict_a_contractor_is_chosen_and_any_other_organisation_is_found_each_with_a_reason_and_a_note()
    {
        var (_, conflicted) = await CaseAsync("litter", RingvagenLon, RingvagenLat);
        var (_, elsewhere) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var map = await OpenAsync();
        await map.RunAsync("desk-forward-ways", async () =>
        {
            await map.SelectCaseAsync(conflicted);
            await map.Page.WaitForSelectorAsync("[data-testid=case-conflict]");
            (await map.Page.GetAttributeAsync("[data-testid=forward]", "data-recipient")).ShouldBe("trafikkontoret"); // the manager who ordered both
            await map.Page.ClickAsync("[data-testid=way-candidate]");
            var candidate = map.Page.Locator("[data-testid=candidate]").First;
            var chosen = (await candidate.GetAttributeAsync("value"))!;
            await candidate.CheckAsync();
            await map.Page.FillAsync("[data-testid=forward-note]", "Bins at the crossing, north side");
            await map.Page.FillAsync("[data-testid=form-candidate] [data-testid=way-reason]", "North of the kerb: that contract's area");
            await map.Page.ClickAsync("[data-testid=forward-candidate]");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{conflicted}'][data-status=forwarded]");
            (await AssigneeAsync(conflicted)).ShouldBe(chosen);
            var forward = await EventAsync(conflicted, "forwarded");
            forward.ShouldContain("North of the kerb");
            forward.ShouldContain("Bins at the crossing");

            await map.SelectCaseAsync(elsewhere);
            await map.Page.ClickAsync("[data-testid=way-other]");
            await map.Page.FillAsync("[data-testid=org-query]", "Brounderh");
            await map.Page.SelectOptionAsync("[data-testid=org-list]", "brounderhall-norden");
            await map.Page.FillAsync("[data-testid=forward-note]", "Pillar 1, north face");
            await map.Page.FillAsync("[data-testid=form-other] [data-testid=way-reason]", "The subcontractor is on strike");
            await map.Page.ClickAsync("[data-testid=forward-other]");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{elsewhere}'] [data-testid=forwarded][data-delivery=delivered]");
            (await AssigneeAsync(elsewhere)).ShouldBe("brounderhall-norden");
            (await EventAsync(elsewhere, "forwarded")).ShouldContain("The subcontractor is on strike");
        });
    }

    [Fact]
    public async Task The_citizen_is_asked_by_e_mail_and_a_case_is_closed_at_first_contact_with_a_model_answer()
    {
        var (_, asked) = await CaseAsync("graffiti", PillarLon, PillarLat, "asked.desk@example.org");
        var (_, closed) = await CaseAsync("park-care", ParkLon, ParkLat);
        var map = await OpenAsync();
        await map.RunAsync("desk-ask-close", async () =>
        {
            await map.SelectCaseAsync(asked);
            await map.Page.ClickAsync("[data-testid=way-ask]");
            await map.Page.FillAsync("[data-testid=question]", "Which pillar: north or south of the water?");
            await map.Page.ClickAsync("[data-testid=send-question]");
            await map.Page.WaitForSelectorAsync($"[data-testid=inbox] [data-case='{asked}'] [data-testid=awaiting-citizen]");
            // Said to be sent once it was: the SMTP server on loopback has taken it.
            await map.Page.WaitForSelectorAsync("[data-testid=case] [data-testid=citizen-message][data-state=delivered]");

            await map.SelectCaseAsync(closed);
            await map.Page.ClickAsync("[data-testid=way-close]");
            await map.Page.SelectOptionAsync("[data-testid=resolution]", "passed-to-state");
            await map.Page.SelectOptionAsync("[data-testid=close-model-answer]", new SelectOptionValue { Index = 1 });
            await map.Page.WaitForFunctionAsync("() => document.querySelector('[data-testid=close-answer]').value.length > 0");
            await map.Page.ClickAsync("[data-testid=close]");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{closed}'][data-status=closed]");
            // No address: the answer is the case's note, and the page says so rather than "sent".
            await map.Page.WaitForSelectorAsync("[data-testid=case] [data-testid=citizen-message][data-state=none]");
            await map.Page.WaitForSelectorAsync($"[data-testid=inbox] [data-case='{closed}']", new() { State = WaitForSelectorState.Detached });
            (await ScalarAsync<string>("SELECT status || ' ' || resolution FROM cases WHERE service_request_id = $1", closed)).ShouldBe("closed passed-to-state");
        });
    }

    [Fact]
    public async Task A_case_sent_back_is_not_offered_to_the_one_that_sent_it_back_and_goes_elsewhere_with_a_reason()
    {
        var (id, number) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var version = (await Cases.GetAsync(id, CancellationToken.None))!.Version;
        await Cases.ForwardAsync(id, new ForwardRequest("klotterfritt", version), Seeder, CancellationToken.None);
        await Cases.RejectAsync(id, "Painted steel is not ours", new Actor("key:klotterfritt-desk", null, "klotterfritt"), CancellationToken.None);
        var map = await OpenAsync();
        await map.RunAsync("desk-sent-back", async () =>
        {
            await map.SelectCaseAsync(number);
            (await map.CaseBox.Locator("[data-testid=case-rejected]").InnerTextAsync()).ShouldContain("Painted steel is not ours");
            await map.Page.WaitForSelectorAsync("[data-testid=sent-back-choose]");
            (await map.Page.Locator("[data-testid=forward]").CountAsync()).ShouldBe(0);
            await map.Page.ClickAsync("[data-testid=way-other]");
            await map.Page.FillAsync("[data-testid=org-query]", "brounderhall");
            await map.Page.SelectOptionAsync("[data-testid=org-list]", "brounderhall-norden");
            await map.Page.FillAsync("[data-testid=form-other] [data-testid=way-reason]", "Steel is the bridge contractor's");
            await map.Page.ClickAsync("[data-testid=forward-other]");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{number}'][data-status=forwarded]");
            (await AssigneeAsync(number)).ShouldBe("brounderhall-norden");
            (await EventAsync(number, "forwarded")).ShouldContain("Steel is the bridge contractor's");
        });
    }

    [Fact]
    public async Task A_failing_delivery_shows_at_its_first_failure_with_its_reason_and_is_retried_or_sent_elsewhere()
    {
        var (_, retried) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var (_, replaced) = await CaseAsync("damage", HousingLon, HousingLat);
        var restore = $"UPDATE organisations SET webhook_url = '{server.SimulatorAddress}webhooks/fastighetsservice-malardalen' WHERE key = 'fastighetsservice-malardalen' RETURNING 1";
        // The housing company's contractor (S3) is unreachable for this test, and the graffiti subcontractor's system down for a while.
        await ScalarAsync<int>("UPDATE organisations SET webhook_url = 'http://127.0.0.1:9/gone' WHERE key = 'fastighetsservice-malardalen' RETURNING 1");
        server.Simulator.Down = true;
        try
        {
            var map = await OpenAsync();
            await map.RunAsync("desk-failing-delivery", async () =>
            {
                await map.SelectCaseAsync(retried);
                await map.Page.ClickAsync($"[data-testid=forward][data-case='{retried}']");
                var failing = map.Page.Locator($"[data-testid=inbox] [data-case='{retried}'] [data-testid=delivery-failing][data-failing=true]");
                await failing.WaitForAsync();
                var error = await ScalarAsync<string>(
                    "SELECT o.last_error FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1", retried);
                error.ShouldNotBeNullOrEmpty();
                (await failing.InnerTextAsync()).ShouldContain(error);
                var boxed = map.Page.Locator("[data-testid=case] [data-testid=forwarded][data-failing=true][data-attempts='1']");
                await boxed.WaitForAsync();
                (await boxed.InnerTextAsync()).ShouldContain("Next try at");

                // The subcontractor's system is back: "Try again now" does not wait a minute for the next try.
                server.Simulator.Down = false;
                await map.Page.ClickAsync("[data-testid=retry]");
                await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{retried}'] [data-testid=forwarded][data-delivery=delivered]");
                (await EventAsync(retried, "delivery-retried")).ShouldNotBeNull();

                // Another recipient while it fails: the failing delivery is cancelled, the new one arrives.
                await map.SelectCaseAsync(replaced);
                await map.Page.ClickAsync($"[data-testid=forward][data-case='{replaced}']");
                await map.Page.WaitForSelectorAsync("[data-testid=case] [data-testid=forwarded][data-failing=true]");
                await map.Page.ClickAsync("[data-testid=way-other]");
                await map.Page.FillAsync("[data-testid=org-query]", "brounderhall");
                await map.Page.SelectOptionAsync("[data-testid=org-list]", "brounderhall-norden");
                await map.Page.FillAsync("[data-testid=form-other] [data-testid=way-reason]", "Their system is down; the bridge contractor covers");
                await map.Page.ClickAsync("[data-testid=forward-other]");
                await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{replaced}'] [data-testid=forwarded][data-delivery=delivered]");
                (await ScalarAsync<string>(
                    "SELECT string_agg(o.recipient || ':' || o.state, ',' ORDER BY o.id) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id = $1",
                    replaced)).ShouldBe("fastighetsservice-malardalen:cancelled,brounderhall-norden:delivered");
            });
        }
        finally
        {
            server.Simulator.Down = false;
            await ScalarAsync<int>(restore);
        }
    }

    [Fact]
    public async Task A_phone_call_becomes_one_case_is_forwarded_and_is_found_again_by_its_number_with_its_history()
    {
        var map = await OpenAsync(width: 1280);
        await map.RunAsync("desk-phone-call", async () =>
        {
            var description = $"Fresh tags on the north face ({Guid.NewGuid():N})";
            await map.Page.FillAsync("[data-testid=search]", "sthlm-assets:TK-BRO-0417-S1");
            await map.Page.ClickAsync("[data-testid=search-button]");
            await map.WaitForRecipientAsync("klotterfritt");
            await map.Page.ClickAsync("[data-testid=new-case]");
            await map.Page.SelectOptionAsync("[data-testid=new-case-category]", "graffiti");
            await map.Page.FillAsync("[data-testid=new-case-description]", description);
            await map.Page.FillAsync("[data-testid=new-case-name]", "Anna Caller");
            await map.Page.FillAsync("[data-testid=new-case-phone]", "+46 8 123 456 78");
            await map.Page.CheckAsync("[data-testid=new-case-consent]");
            // Nothing of the desk spills past a 1,280 px screen.
            (await map.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth")).ShouldBeTrue();
            await map.Page.DblClickAsync("[data-testid=create-case]");

            // The new case is selected at once, with its recipient, and the case box has the focus.
            await map.Page.WaitForSelectorAsync("[data-testid=case][data-ready=true] [data-testid=forward][data-recipient=klotterfritt]");
            var number = (await map.CaseBox.GetAttributeAsync("data-case"))!;
            await map.Page.WaitForFunctionAsync("() => document.activeElement?.dataset.testid === 'case-heading'");
            (await ScalarAsync<string>("SELECT string_agg(service_request_id || ' ' || channel || ' ' || contact_consent, ',') FROM cases WHERE description = $1",
                description)).ShouldBe($"{number} phone true");
            await map.Page.ClickAsync($"[data-testid=forward][data-case='{number}']");
            await map.Page.WaitForSelectorAsync($"[data-testid=case][data-case='{number}'] [data-testid=forwarded][data-delivery=delivered]");

            // Found again by its number, and its page tells the whole story.
            await map.Page.ClickAsync("[data-testid=case-search] summary");
            await map.Page.FillAsync("[data-testid=case-search-text]", number);
            await map.Page.ClickAsync("[data-testid=case-search-button]");
            await map.Page.ClickAsync($"[data-testid=case-results] [data-case='{number}'] [data-testid=case-link]");
            await map.Page.WaitForSelectorAsync("[data-testid=case-page][data-interactive=true]");
            await map.Page.WaitForSelectorAsync("[data-testid=timeline] li[data-kind=delivered]");
            var timeline = await map.Page.Locator("[data-testid=timeline]").InnerTextAsync();
            timeline.ShouldContain("Received by phone");
            timeline.ShouldContain("Forwarded to Klotterfritt");
            timeline.ShouldContain("user:test.handler");
            (await map.Page.Locator("[data-testid=case-page]").InnerTextAsync()).ShouldNotContain("+46 8 123 456 78"); // no personal data on the history
        });
    }

    [Fact]
    public async Task A_contractors_note_shows_live_on_the_case_page_and_a_done_case_is_reopened_with_a_reason()
    {
        var (id, number) = await CaseAsync("graffiti", PillarLon, PillarLat);
        var version = (await Cases.GetAsync(id, CancellationToken.None))!.Version;
        await Cases.ForwardAsync(id, new ForwardRequest("klotterfritt", version, "North face"), Seeder, CancellationToken.None);
        var map = await OpenAsync();
        await map.RunAsync("desk-case-page", async () =>
        {
            await map.Page.GotoAsync(new Uri(server.BaseAddress, $"/cases/{number}").ToString());
            await map.Page.WaitForSelectorAsync("[data-testid=case-page][data-interactive=true]");
            await map.Page.WaitForSelectorAsync("[data-testid=timeline] li[data-kind=forwarded]");

            var contractor = await server.KeyAsync("contractor", "klotterfritt");
            using var http = new HttpClient { BaseAddress = server.BaseAddress };
            async Task UpdateAsync(string updateId, string status, string note)
            {
                using var posted = await http.PostAsync("/open311/v2/servicerequestupdates.json", new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["api_key"] = contractor, ["service_request_id"] = number, ["update_id"] = updateId, ["status"] = status, ["description"] = note,
                }));
                posted.IsSuccessStatusCode.ShouldBeTrue(await posted.Content.ReadAsStringAsync());
            }
            await UpdateAsync("desk-1", "IN_PROGRESS", "Crew on site: the north face is being cleaned");
            var note = map.Page.Locator("[data-testid=timeline] li[data-kind=status]", new() { HasText = "Crew on site: the north face is being cleaned" });
            await note.WaitForAsync();
            (await note.InnerTextAsync()).ShouldContain("key:");
            await UpdateAsync("desk-2", "FIXED", "Removed");
            await map.Page.WaitForSelectorAsync("[data-testid=case-page][data-status=done]");

            // The citizen calls: it is not gone. Taken up again, with the reason, and back in the inbox.
            await map.Page.FillAsync("[data-testid=reopen-reason]", "The citizen called: the tags are still there");
            await map.Page.ClickAsync("[data-testid=reopen]");
            await map.Page.WaitForSelectorAsync("[data-testid=case-page][data-status=received]");
            (await map.Page.Locator("[data-testid=timeline] li[data-kind=reopened]").InnerTextAsync()).ShouldContain("the tags are still there");
        });
    }
}


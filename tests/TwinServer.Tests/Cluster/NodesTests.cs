using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Cluster;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace DigitalTwin.Server.Tests.Cluster;

/// <summary>Two nodes where node B checks a session's user only once an hour, so that only the database's word can sign a disabled user out there.</summary>
public sealed class TwoNodes : TwinNodes
{
    protected override IReadOnlyDictionary<string, string> SettingsOfB => new Dictionary<string, string> { ["Access:RecheckSeconds"] = "3600" };
}

/// <summary>
/// Two server nodes over one database keep nothing that matters to themselves (issue 19 parts 3 and 4): a change on one
/// reaches the open inboxes of the other, a session and a form of one serve on the other, a key revoked or a user
/// disabled is refused on both at once, tiles follow an import through either, and the outbox is drained by both,
/// each delivery sent once.
/// </summary>
public sealed class NodesTests(TwoNodes nodes, ITestOutputHelper output) : IClassFixture<TwoNodes>
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> AskAsync(TwinNode node, string key, string query, object? variables = null)
    {
        using var client = TwinNodes.Browser();
        using var request = new HttpRequestMessage(HttpMethod.Post, node.At("/graphql"))
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query, variables }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static async Task ListeningAsync(TwinNode node) => await TwinNodes.EventuallyAsync(
        () => Task.FromResult(node.Services.GetRequiredService<ClusterSignals>().Listens >= 1), TimeSpan.FromSeconds(10), "the node listens");

    [Fact]
    public async Task A_case_forwarded_on_node_A_reloads_the_open_inboxes_of_node_B_within_a_second()
    {
        await ListeningAsync(nodes.B);
        var handler = await nodes.A.KeyAsync("handler");
        var (status, created) = await AskAsync(nodes.A, handler, """
            mutation($input: CreateCaseInput!) { createCase(input: $input) { case { serviceRequestId } } }
            """, new { input = new { category = "graffiti", at = new { x = 18.076363, y = 59.305782 }, description = "Tags, seen from node A", language = "SV" } });
        status.ShouldBe(HttpStatusCode.OK, created.ToString());
        var number = created.GetProperty("data").GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString();
        await Task.Delay(CaseChanges.Quiet * 2); // the intake's own word has come and gone

        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged() => heard.TrySetResult();
        var changes = nodes.B.Services.GetRequiredService<CaseChanges>();
        changes.Changed += OnChanged;
        try
        {
            var clock = Stopwatch.StartNew();
            var (_, forwarded) = await AskAsync(nodes.A, handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: 1) { status } }""");
            forwarded.GetProperty("data").GetProperty("forwardCase").GetProperty("status").GetString().ShouldBe("FORWARDED", forwarded.ToString());
            (await Task.WhenAny(heard.Task, Task.Delay(TimeSpan.FromSeconds(1)))).ShouldBe(heard.Task, "node B's inboxes heard of the forward on node A within a second");
            output.WriteLine($"Node B heard of the forward on node A {clock.ElapsedMilliseconds} ms after it was sent.");
        }
        finally
        {
            changes.Changed -= OnChanged;
        }
    }

    [Fact]
    public async Task A_node_whose_listening_connection_is_cut_listens_again_and_reloads_its_inboxes_once()
    {
        await ListeningAsync(nodes.B);
        var signals = nodes.B.Services.GetRequiredService<ClusterSignals>();
        var before = signals.Listens;
        await Task.Delay(CaseChanges.Quiet * 2);
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged() => heard.TrySetResult();
        var changes = nodes.B.Services.GetRequiredService<CaseChanges>();
        changes.Changed += OnChanged;
        try
        {
            // As a database restart or a failover ends it.
            (await nodes.Database.ScalarAsync<long>(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'twin-server-listener'"))
                .ShouldBeGreaterThanOrEqualTo(2);
            await TwinNodes.EventuallyAsync(() => Task.FromResult(signals.Listens > before), TimeSpan.FromSeconds(5), "node B listens again");
            (await Task.WhenAny(heard.Task, Task.Delay(TimeSpan.FromSeconds(2)))).ShouldBe(heard.Task, "node B's inboxes reload once, for what it may have missed");
        }
        finally
        {
            changes.Changed -= OnChanged;
        }
        await ListeningAsync(nodes.A);
        (await nodes.B.CreateClient().GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Notices_nobody_expects_are_lived_through()
    {
        await ListeningAsync(nodes.B);
        var signals = nodes.B.Services.GetRequiredService<ClusterSignals>();
        var (listens, heard) = (signals.Listens, signals.Heard);
        await nodes.Database.ScalarAsync<int>("SELECT 1 FROM pg_notify('twin_cases', repeat('ä', 2000))");
        await nodes.Database.ScalarAsync<int>("SELECT 1 FROM pg_notify('twin_access', 'no such table')");
        await nodes.Database.ScalarAsync<int>("SELECT 1 FROM pg_notify('twin_access', '')");
        await TwinNodes.EventuallyAsync(() => Task.FromResult(signals.Heard >= heard + 3), TimeSpan.FromSeconds(2), "node B took the three notices");
        signals.Listens.ShouldBe(listens, "the same connection listens on");
        var key = await nodes.B.KeyAsync("integration");
        (await AskAsync(nodes.B, key, "{ taskTypes { code } }")).Status.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_burst_of_changes_reloads_each_nodes_inboxes_at_most_four_times_a_second()
    {
        await ListeningAsync(nodes.B);
        await Task.Delay(CaseChanges.Quiet * 2);
        var (onA, onB) = (0, 0);
        void CountA() => Interlocked.Increment(ref onA);
        void CountB() => Interlocked.Increment(ref onB);
        var (a, b) = (nodes.A.Services.GetRequiredService<CaseChanges>(), nodes.B.Services.GetRequiredService<CaseChanges>());
        a.Changed += CountA;
        b.Changed += CountB;
        try
        {
            // 500 changes a second for two seconds on node A, as intake at 500 posts a second makes them.
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 1000; i++)
            {
                a.Raise();
                if (i % 50 == 49) await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
            var seconds = clock.Elapsed.TotalSeconds;
            await Task.Delay(TimeSpan.FromSeconds(1)); // the last raise of the burst, and its word to node B
            output.WriteLine($"1,000 changes on node A in {seconds:0.0} s: node A's inboxes reloaded {onA} times, node B's {onB} times.");
            onA.ShouldBeInRange(2, (int)Math.Ceiling((seconds + 1) * 4) + 1);
            onB.ShouldBeInRange(1, (int)Math.Ceiling((seconds + 1) * 4) + 1);
        }
        finally
        {
            a.Changed -= CountA;
            b.Changed -= CountB;
        }
    }

    [Fact]
    public async Task A_session_and_a_form_of_node_A_serve_on_node_B_with_keys_from_the_database()
    {
        var (username, password) = await nodes.A.UserAsync("handler");
        var cookies = new CookieContainer();
        using var browser = TwinNodes.Browser(cookies);
        // The sign-in form from node A, posted to node B: the antiforgery token holds on both.
        var page = await browser.GetStringAsync(nodes.A.At("/signin"));
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        token.Success.ShouldBeTrue();
        using var signedIn = await browser.PostAsync(nodes.B.At("/signin"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = username, ["password"] = password, ["returnUrl"] = "/",
        }));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signedIn.Headers.Location!.ToString().ShouldBe("/");
        // The session cookie that node B made opens the map on node A and on node B.
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            using var map = await browser.GetAsync(node.At("/"));
            map.StatusCode.ShouldBe(HttpStatusCode.OK, $"the map on {node.BaseAddress}");
        }
        // The ring is the database's, on both nodes: one key, and no file under anyone's home.
        foreach (var node in new[] { nodes.A, nodes.B })
            node.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository!.GetType().Name.ShouldBe("DatabaseKeyRing");
        (await nodes.Database.ScalarAsync<long>("SELECT count(*) FROM data_protection_keys WHERE friendly_name LIKE 'key-%'")).ShouldBe(1,
            await nodes.Database.ScalarAsync<string>("SELECT string_agg(created_at::text || ' ' || xml, E'\n') FROM data_protection_keys"));
    }

    [Fact]
    public async Task A_key_revoked_anywhere_is_refused_on_every_node_at_once_not_after_the_ten_seconds_it_is_remembered()
    {
        await ListeningAsync(nodes.A);
        await ListeningAsync(nodes.B);
        var key = await nodes.A.KeyAsync("integration");
        const string query = "{ taskTypes { code } }";
        (await AskAsync(nodes.A, key, query)).Status.ShouldBe(HttpStatusCode.OK);
        (await AskAsync(nodes.B, key, query)).Status.ShouldBe(HttpStatusCode.OK); // both nodes remember it now

        // As ./twin key revoke does it, from a process that is no node.
        var clock = Stopwatch.StartNew();
        await nodes.Database.ScalarAsync<int>("UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1", Data.Access.ApiKeyHash.Of(key));
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            await TwinNodes.EventuallyAsync(async () => (await AskAsync(node, key, query)).Status == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(2),
                $"the revoked key refused on {node.BaseAddress}");
        }
        clock.Elapsed.ShouldBeLessThan(ApiKeys.Remembered);
        output.WriteLine($"The revoked key was refused on both nodes {clock.ElapsedMilliseconds} ms after the revocation (remembered for {ApiKeys.Remembered.TotalSeconds} s).");
    }

    [Fact]
    public async Task A_user_disabled_anywhere_is_signed_out_on_a_node_that_checks_only_hourly_at_once()
    {
        await ListeningAsync(nodes.B);
        var username = $"nodes.{Guid.NewGuid():N}"[..30];
        var password = $"pw-{Guid.NewGuid():N}";
        await Data.Access.UserWriter.AddAsync(nodes.Database.DataSource, username, "Node user", "handler", password, CancellationToken.None);
        using var browser = TwinNodes.Browser();
        using (var page = await browser.GetAsync(nodes.B.At("/signin")))
        {
            var form = await page.Content.ReadAsStringAsync();
            var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
            using var signedIn = await browser.PostAsync(nodes.B.At("/signin"), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = username, ["password"] = password, ["returnUrl"] = "/",
            }));
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }
        (await browser.GetAsync(nodes.B.At("/"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var clock = Stopwatch.StartNew();
        await nodes.Database.ScalarAsync<int>("UPDATE users SET disabled_at = now() WHERE username = $1", username); // ./twin user disable
        await TwinNodes.EventuallyAsync(async () =>
        {
            using var map = await browser.GetAsync(nodes.B.At("/"));
            return map.StatusCode == HttpStatusCode.Redirect;
        }, TimeSpan.FromSeconds(2), "the disabled user sent to sign in on node B, whose own check is hourly");
        output.WriteLine($"Node B signed the disabled user out {clock.ElapsedMilliseconds} ms after the change.");
    }

    /// <summary>
    /// Each node remembers which version of a layer serves while it listens (no round trip for a cached tile); the
    /// importing node forgets at once, the other at the database's word, a notice a millisecond or so after the commit.
    /// </summary>
    [Fact]
    public async Task Tiles_show_a_layer_imported_through_node_A_on_node_A_at_once_and_on_node_B_at_the_databases_word()
    {
        var gis = await nodes.A.KeyAsync("gis");
        var reader = await nodes.B.KeyAsync("integration");
        var layer = $"nodes-{Guid.NewGuid():N}"[..20];
        // z16 tile of the block at 18.0769 E, 59.3091 N.
        const int z = 16;
        var x = (int)Math.Floor((18.0769 + 180) / 360 * (1 << z));
        var lat = 59.3091 * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(lat) + 1 / Math.Cos(lat)) / Math.PI) / 2 * (1 << z));

        async Task ImportAsync(string ids)
        {
            using var client = TwinNodes.Browser();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", gis);
            var features = string.Join(',', ids.Split(',').Select((id, i) =>
            {
                var (west, east) = ((18.0767 + i * 0.0001).ToString(CultureInfo.InvariantCulture), (18.0768 + i * 0.0001).ToString(CultureInfo.InvariantCulture));
                return $$$"""{"type":"Feature","properties":{"id":"{{{id}}}","name":"{{{id}}}"},"geometry":{"type":"Polygon","coordinates":[[[{{{west}}},59.3090],[{{{east}}},59.3090],[{{{east}}},59.3092],[{{{west}}},59.3092],[{{{west}}},59.3090]]]}}""";
            }));
            using var form = new MultipartFormDataContent();
            form.Add(new StringContent($$"""{"type":"FeatureCollection","features":[{{features}}]}""", Encoding.UTF8, "application/geo+json"), "file", "blocks.geojson");
            using var response = await client.PostAsync(nodes.A.At($"/layers/{layer}/import?kind=building"), form);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        }

        async Task<(string ETag, byte[] Tile)> TileAsync(TwinNode node)
        {
            using var client = TwinNodes.Browser();
            client.DefaultRequestHeaders.Add("X-Api-Key", reader);
            using var response = await client.GetAsync(node.At($"/tiles/{layer}/{z}/{x}/{y}.mvt"));
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return (response.Headers.ETag!.Tag, await response.Content.ReadAsByteArrayAsync());
        }

        await ListeningAsync(nodes.A);
        await ListeningAsync(nodes.B);
        await ImportAsync("A1");
        var first = await TileAsync(nodes.B);
        (await TileAsync(nodes.B)).Tile.ShouldBe(first.Tile); // node B has it cached now, and knows which version serves
        (await TileAsync(nodes.A)).ETag.ShouldBe(first.ETag);
        await ImportAsync("A1,A2,A3");
        // The node that imported serves the new version from its very next tile.
        var onA = await TileAsync(nodes.A);
        onA.ETag.ShouldNotBe(first.ETag);
        onA.Tile.Length.ShouldBeGreaterThan(first.Tile.Length, "the tile of the new version, with three blocks, not the cached one of one block");
        // Node B as soon as the database's notice reaches it (within the second here; a millisecond or so on loopback).
        await TwinNodes.EventuallyAsync(async () => (await TileAsync(nodes.B)).ETag == onA.ETag, TimeSpan.FromSeconds(1), "node B serves the new version");
        (await TileAsync(nodes.B)).Tile.ShouldBe(onA.Tile);
    }

    [Fact]
    public async Task Both_nodes_drain_the_outbox_and_each_of_500_deliveries_is_sent_exactly_once()
    {
        const int count = 500;
        var prefix = $"N{Guid.NewGuid():N}"[..10];
        await nodes.Database.ForwardedCasesAsync(prefix, count, nodes.SimulatorAddress);
        var keys = (await nodes.Database.ScalarAsync<string>(
            $"SELECT string_agg(o.idempotency_key::text, ',') FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id LIKE '{prefix}-%'")).Split(',').ToHashSet();
        keys.Count.ShouldBe(count);

        await TwinNodes.EventuallyAsync(async () => await nodes.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM outbox o JOIN cases c ON c.id = o.case_id WHERE c.service_request_id LIKE '{prefix}-%' AND o.state = 'delivered'") == count,
            TimeSpan.FromSeconds(60), "every delivery recorded");
        var received = nodes.Simulator.All.Where(r => keys.Contains(r.IdempotencyKey)).ToList();
        received.Count.ShouldBe(count);
        received.ShouldAllBe(r => r.Times == 1, "no delivery was sent twice: each was taken by one worker of one node");
    }
}

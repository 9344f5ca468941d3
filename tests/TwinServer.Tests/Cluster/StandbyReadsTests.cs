using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using DigitalTwin.Data.Access;
using DigitalTwin.Data.Database;

namespace DigitalTwin.Server.Tests.Cluster;

/// <summary>
/// What a reader sees right after a write when look-ups are served by the standby (<c>Database:LookupsFromStandby</c>,
/// as <c>./twin cluster</c> runs): a real pg_auto_failover pair whose standby is held behind (its replay paused), one
/// server process on the multi-host URL. A look-up may answer from before an import for as long as the standby lags;
/// every other read (the layers, a case, the inbox's data) goes to the primary and sees its own writes at once.
/// </summary>
public sealed class StandbyReadsTests
{
    private const double Lon = 18.0462, Lat = 59.2873; // in the sample city's Stockholm part, away from its objects

    [Fact]
    public async Task With_the_standby_behind_a_lookup_may_answer_from_before_an_import_while_layers_and_cases_read_their_own_writes_at_once()
    {
        await using var pair = await SampleCityPair.StartNewAsync();
        string gis, handler, integration, app;
        await using (var dataSource = TwinDatabase.CreateDataSource(pair.Url))
        {
            gis = (await ApiKeyWriter.CreateAsync(dataSource, "standby gis", TwinRoles.Gis, null, null, CancellationToken.None)).Key;
            handler = (await ApiKeyWriter.CreateAsync(dataSource, "standby handler", TwinRoles.Handler, null, null, CancellationToken.None)).Key;
            integration = (await ApiKeyWriter.CreateAsync(dataSource, "standby integration", TwinRoles.Integration, null, null, CancellationToken.None)).Key;
            app = (await ApiKeyWriter.CreateAsync(dataSource, "standby app", TwinRoles.CitizenApp, null, null, CancellationToken.None)).Key;
        }
        await using var server = await ServerProcess.StartAsync(pair.Url, new Dictionary<string, string> { ["Database__LookupsFromStandby"] = "true" });
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(30) };

        async Task<JsonElement> AskAsync(string key, string query)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
            body.TryGetProperty("errors", out _).ShouldBeFalse($"{query}: {body}\n{server.Output}");
            return body.GetProperty("data");
        }
        async Task<string[]> StackAsync() =>
            [.. (await AskAsync(integration, $$"""{ responsibility(at: { x: {{Lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, y: {{Lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}} }, taskType: "graffiti") { stack { id } } }"""))
                .GetProperty("responsibility").GetProperty("stack").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];

        var primary = await pair.WaitForPrimaryAsync(TimeSpan.FromSeconds(30));
        await using var standby = TwinDatabase.CreateDataSource(pair.UrlOf(pair.Ports.Single(port => port != primary)));
        async Task ReplayAsync(bool paused)
        {
            await using var command = standby.CreateCommand(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()");
            await command.ExecuteNonQueryAsync();
        }

        const string Layer = "standby-assets", Bench = "standby-assets:BENCH-1";
        (await StackAsync()).ShouldNotContain(Bench);
        await ReplayAsync(paused: true);
        try
        {
            // An import: its version is current at once for the layers' readers.
            using (var form = new MultipartFormDataContent())
            {
                var west = (Lon - 0.00005).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var east = (Lon + 0.00005).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var south = (Lat - 0.00003).ToString(System.Globalization.CultureInfo.InvariantCulture);
                var north = (Lat + 0.00003).ToString(System.Globalization.CultureInfo.InvariantCulture);
                form.Add(new StringContent($$$"""
                    {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"BENCH-1","name":"Park bench","owner":"trafikkontoret"},
                     "geometry":{"type":"Polygon","coordinates":[[[{{{west}}},{{{south}}}],[{{{east}}},{{{south}}}],[{{{east}}},{{{north}}}],[{{{west}}},{{{north}}}],[{{{west}}},{{{south}}}]]]}}]}
                    """, Encoding.UTF8, "application/geo+json"), "file", "benches.geojson");
                using var request = new HttpRequestMessage(HttpMethod.Post, $"/layers/{Layer}/import?kind=asset") { Content = form };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", gis);
                using var imported = await http.SendAsync(request);
                imported.IsSuccessStatusCode.ShouldBeTrue(await imported.Content.ReadAsStringAsync());
            }
            var layers = await AskAsync(gis, $$"""{ layers(name: "{{Layer}}") { version } }""");
            layers.GetProperty("layers")[0].GetProperty("version").GetInt32().ShouldBe(1, "the import's version is current for the layers' readers at once");

            // A report, then a forward: each read back at once as it was written.
            using var posted = await http.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", ["description"] = "Tags while the standby lags",
            }));
            var postedBody = await posted.Content.ReadAsStringAsync();
            posted.IsSuccessStatusCode.ShouldBeTrue(postedBody);
            var number = JsonDocument.Parse(postedBody).RootElement[0].GetProperty("service_request_id").GetString()!;
            (await AskAsync(handler, $$"""{ case(id: "{{number}}") { status } }""")).GetProperty("case").GetProperty("status").GetString().ShouldBe("RECEIVED");
            (await AskAsync(handler, $$"""mutation { forwardCase(id: "{{number}}", recipient: "klotterfritt", expectedVersion: 1) { status } }"""))
                .GetProperty("forwardCase").GetProperty("status").GetString().ShouldBe("FORWARDED");
            (await AskAsync(handler, $$"""{ case(id: "{{number}}") { status } }""")).GetProperty("case").GetProperty("status").GetString().ShouldBe("FORWARDED");

            // The look-up reads the standby, which has the import on disk (synchronous) but has not replayed it.
            (await StackAsync()).ShouldNotContain(Bench, "the look-up read the primary, not the standby held behind");
        }
        finally
        {
            await ReplayAsync(paused: false);
        }

        // Replayed, the standby answers with the import; on a healthy standby that is milliseconds (replay_lag).
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await StackAsync()).Contains(Bench))
        {
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"the look-up did not see the import 30 s after the standby replayed it\n{server.Output}");
            await Task.Delay(100);
        }
    }
}

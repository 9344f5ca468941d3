using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.Layers;

/// <summary>
/// A layer's history for GIS staff (issue 17 part 7), through GraphQL and the tiles as a client sees them: the versions
/// listed with how each was made, what changed between two known versions, and a roll back that serves the old version
/// again (responsibility and tiles answer from it) while past dates still answer from the version that served then.
/// Each test loads its own layer, so they run in any order.
/// </summary>
public sealed class LayerHistoryTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    /// <summary>Four small buildings north of Götgatan, away from the sample's own (a square of about 6 × 11 m each).</summary>
    internal static string Buildings(params (string Id, double West, string Owner, string Extra)[] buildings)
    {
        var features = buildings.Select(b =>
        {
            var (w, e) = (b.West.ToString(CultureInfo.InvariantCulture), (b.West + 0.0001).ToString(CultureInfo.InvariantCulture));
            return "{\"type\":\"Feature\",\"properties\":{\"id\":\"" + b.Id + "\",\"name\":\"Hus " + b.Id + "\",\"owner\":\"" + b.Owner + "\"" + b.Extra + "}," +
                $"\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{w},59.3099],[{e},59.3099],[{e},59.3100],[{w},59.3100],[{w},59.3099]]]}}}}";
        });
        return $$"""{"type":"FeatureCollection","features":[{{string.Join(",\n", features)}}]}""";
    }

    // Version 1; version 2 keeps H1 as it was, gives H2 another owner and colour, moves H3 two ten-thousandths of a
    // degree east (11.4 m at 59°N) and renames it, drops H4 and adds H5.
    internal static readonly string First = Buildings(
        ("H1", 18.0740, "soderbostader", ""), ("H2", 18.0743, "soderbostader", ""","colour":"green" """),
        ("H3", 18.0746, "soderbostader", ""), ("H4", 18.0749, "soderbostader", ""));

    internal static readonly string Second = Buildings(
        ("H1", 18.0740, "soderbostader", ""), ("H2", 18.0743, "brf-tullvakten-2", ""","colour":"blue" """),
        ("H3", 18.0748, "soderbostader", ""","note":"moved" """), ("H5", 18.0752, "soderbostader", ""));

    private const string Diff = """
        query($layer: String!, $from: Int!, $to: Int!, $kinds: [LayerChangeKind!], $first: Int, $after: String) {
          layerDiff(layer: $layer, from: $from, to: $to, kinds: $kinds, first: $first, after: $after) {
            from to counts { added removed moved changed unchanged }
            changes { id sourceId kinds moved fields { field attribute before after } before after }
            hasNextPage endCursor
          }
        }
        """;

    private async Task<string> GisKeyAsync() => await server.KeyAsync("gis");

    /// <summary>Loads a file into a layer as GIS staff do over HTTP (POST /layers/{name}/import); returns the version.</summary>
    private Task<int> ImportAsync(string key, string layer, string geojson) => server.ImportLayerAsync(key, layer, "building", geojson);

    private async Task<JsonElement> AskAsync(string key, string query, object? variables = null)
    {
        var (status, body) = await server.AskAsync(key, query, variables);
        status.ShouldBe(200, body.ToString());
        if (body.TryGetProperty("errors", out var errors)) throw new ShouldAssertException($"GraphQL refused: {errors}");
        return body.GetProperty("data");
    }

    [Fact]
    public async Task The_versions_say_how_each_was_made_and_the_differences_of_two_known_versions_are_counted_and_listed()
    {
        var key = await GisKeyAsync();
        const string layer = "history-diff";
        (await ImportAsync(key, layer, First)).ShouldBe(1);
        (await ImportAsync(key, layer, Second)).ShouldBe(2);

        var versions = (await AskAsync(key, "query($n: String) { layers(name: $n) { version versions { version mode basedOn filter isCurrent featureCount loadedBy } } }",
            new { n = layer })).GetProperty("layers")[0];
        versions.GetProperty("version").GetInt32().ShouldBe(2);
        var list = versions.GetProperty("versions").EnumerateArray().ToList();
        list.Select(v => v.GetProperty("version").GetInt32()).ShouldBe([2, 1]);
        list.ShouldAllBe(v => v.GetProperty("mode").GetString() == "replace" && v.GetProperty("basedOn").ValueKind == JsonValueKind.Null);
        list[0].GetProperty("loadedBy").GetString()!.ShouldStartWith("key:test-gis-");

        var diff = (await AskAsync(key, Diff, new { layer, from = 1, to = 2 })).GetProperty("layerDiff");
        var counts = diff.GetProperty("counts");
        (counts.GetProperty("added").GetInt64(), counts.GetProperty("removed").GetInt64(), counts.GetProperty("moved").GetInt64(),
            counts.GetProperty("changed").GetInt64(), counts.GetProperty("unchanged").GetInt64()).ShouldBe((1, 1, 1, 2, 1));
        var changes = diff.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("sourceId").GetString()!);
        changes.Keys.ShouldBe(["H2", "H3", "H4", "H5"]); // in source id order; H1 did not change
        Kinds(changes["H4"]).ShouldBe(["REMOVED"]);
        changes["H4"].GetProperty("after").ValueKind.ShouldBe(JsonValueKind.Null);
        changes["H4"].GetProperty("before").GetProperty("type").GetString().ShouldBe("Polygon");
        Kinds(changes["H5"]).ShouldBe(["ADDED"]);
        Kinds(changes["H2"]).ShouldBe(["CHANGED"]);
        Fields(changes["H2"]).ShouldBe(["owner: \"soderbostader\" → \"brf-tullvakten-2\"", "@colour: \"green\" → \"blue\"", "@owner: \"soderbostader\" → \"brf-tullvakten-2\""]);
        Kinds(changes["H3"]).ShouldBe(["MOVED", "CHANGED"]);
        changes["H3"].GetProperty("moved").GetDouble().ShouldBe(11.4, 0.3);
        Fields(changes["H3"]).ShouldBe(["@note: null → \"moved\""]);
        changes["H3"].GetProperty("before").GetProperty("coordinates")[0][0][0].GetDouble().ShouldBe(18.0746, 1e-7);
        changes["H3"].GetProperty("after").GetProperty("coordinates")[0][0][0].GetDouble().ShouldBe(18.0748, 1e-7);

        // Only the moved ones; and a page at a time, the cursor going on where the page ended.
        var moved = (await AskAsync(key, Diff, new { layer, from = 1, to = 2, kinds = new[] { "MOVED" } })).GetProperty("layerDiff");
        moved.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).ShouldBe(["H3"]);
        var first = (await AskAsync(key, Diff, new { layer, from = 1, to = 2, first = 3 })).GetProperty("layerDiff");
        first.GetProperty("hasNextPage").GetBoolean().ShouldBeTrue();
        var rest = (await AskAsync(key, Diff, new { layer, from = 1, to = 2, first = 3, after = first.GetProperty("endCursor").GetString() })).GetProperty("layerDiff");
        rest.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).ShouldBe(["H5"]);
        rest.GetProperty("hasNextPage").GetBoolean().ShouldBeFalse();

        // The other way round, what was added was removed.
        var back = (await AskAsync(key, Diff, new { layer, from = 2, to = 1 })).GetProperty("layerDiff").GetProperty("counts");
        (back.GetProperty("added").GetInt64(), back.GetProperty("removed").GetInt64()).ShouldBe((1, 1));

        // A version the layer does not have is named as such.
        var (_, unknown) = await server.AskAsync(key, Diff, new { layer, from = 1, to = 7 });
        unknown.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("UNKNOWN_VERSION");
    }

    [Fact]
    public async Task A_roll_back_serves_the_old_version_again_at_once_while_past_dates_answer_from_what_served_then()
    {
        var key = await GisKeyAsync();
        const string layer = "history-rollback";
        await ImportAsync(key, layer, First);
        using var tiles = await server.IntegrationClientAsync();
        // The z16 tile with the four buildings, by the path the map uses.
        const string tile = $"/tiles/{layer}/16/36058/19280.mvt";
        using var firstTile = await tiles.GetAsync(tile);
        firstTile.StatusCode.ShouldBe(HttpStatusCode.OK);
        var firstBytes = await firstTile.Content.ReadAsByteArrayAsync();
        await ImportAsync(key, layer, Second);
        using var secondTile = await tiles.GetAsync(tile);
        var secondBytes = await secondTile.Content.ReadAsByteArrayAsync();
        secondBytes.ShouldNotBe(firstBytes);

        // Version 1 served from ten days ago until five days ago, version 2 since: as if loaded then.
        await server.Database.ScalarAsync<int>($"""
            UPDATE layer_versions SET served = tstzrange(now() - interval '10 days', now() - interval '5 days'), loaded_at = now() - interval '10 days'
            WHERE layer = '{layer}' AND version = 1;
            UPDATE layer_versions SET served = tstzrange(now() - interval '5 days', NULL), loaded_at = now() - interval '5 days'
            WHERE layer = '{layer}' AND version = 2;
            SELECT 1
            """);

        // Rolled back to what the GIS person saw serving (version 2): version 3, a copy of version 1.
        const string rollback = "mutation($l: String!, $to: Int!, $seen: Int) { rollbackLayer(layer: $l, toVersion: $to, expectedVersion: $seen) { version versions { version mode basedOn isCurrent featureCount servedUntil } } }";
        var rolled = (await AskAsync(key, rollback, new { l = layer, to = 1, seen = 2 })).GetProperty("rollbackLayer");
        rolled.GetProperty("version").GetInt32().ShouldBe(3);
        var newest = rolled.GetProperty("versions")[0];
        (newest.GetProperty("mode").GetString(), newest.GetProperty("basedOn").GetInt32(), newest.GetProperty("isCurrent").GetBoolean(), newest.GetProperty("featureCount").GetInt32())
            .ShouldBe(("rollback", 1, true, 4));
        rolled.GetProperty("versions")[1].GetProperty("servedUntil").ValueKind.ShouldBe(JsonValueKind.String);

        // Responsibility today answers from the copy of version 1 (H2's owner as it was); a date when version 2 served, from version 2.
        const string owner = "query($on: DateOnly) { responsibility(at: {x: 18.07435, y: 59.30995}, taskType: \"graffiti\", on: $on) { target { id } owner { key } } }";
        var today = (await AskAsync(key, owner)).GetProperty("responsibility");
        today.GetProperty("target").GetProperty("id").GetString().ShouldBe($"{layer}:H2");
        today.GetProperty("owner").GetProperty("key").GetString().ShouldBe("soderbostader");
        var threeDaysAgo = DateOnly.FromDateTime(DateTime.Now.AddDays(-3)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        (await AskAsync(key, owner, new { on = threeDaysAgo })).GetProperty("responsibility").GetProperty("owner").GetProperty("key").GetString().ShouldBe("brf-tullvakten-2");
        // H4, gone in version 2, is back; H5, new in version 2, is gone; both still as they were three days ago.
        const string find = "query($id: ID!, $on: DateOnly) { mapObject(id: $id, on: $on) { id } }";
        (await AskAsync(key, find, new { id = $"{layer}:H4" })).GetProperty("mapObject").ValueKind.ShouldBe(JsonValueKind.Object);
        (await AskAsync(key, find, new { id = $"{layer}:H5" })).GetProperty("mapObject").ValueKind.ShouldBe(JsonValueKind.Null);
        (await AskAsync(key, find, new { id = $"{layer}:H5", on = threeDaysAgo })).GetProperty("mapObject").ValueKind.ShouldBe(JsonValueKind.Object);

        // The tiles serve the copy at once: a new ETag (nothing cached of version 2 serves), and what version 1 drew.
        using var thirdTile = await tiles.GetAsync(tile);
        thirdTile.Headers.ETag!.Tag.ShouldNotBe(secondTile.Headers.ETag!.Tag);
        thirdTile.Headers.ETag!.Tag.ShouldNotBe(firstTile.Headers.ETag!.Tag);
        (await thirdTile.Content.ReadAsByteArrayAsync()).ShouldBe(firstBytes);

        // The copy and version 1 are the same objects; the roll back is in the audit trail with who did it.
        var same = (await AskAsync(key, Diff, new { layer, from = 1, to = 3 })).GetProperty("layerDiff").GetProperty("counts");
        same.GetProperty("unchanged").GetInt64().ShouldBe(4);
        (same.GetProperty("added").GetInt64() + same.GetProperty("removed").GetInt64() + same.GetProperty("moved").GetInt64() + same.GetProperty("changed").GetInt64()).ShouldBe(0);
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM audit_log WHERE action = 'layer-rolled-back' AND subject = 'layer:{layer}' AND actor LIKE 'key:test-gis-%'")).ShouldBe(1);

        // Asked again as if version 2 still served: refused, nothing changed.
        var (_, stale) = await server.AskAsync(key, rollback, new { l = layer, to = 2, seen = 2 });
        stale.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("STALE_LAYER");
        (await server.Database.ScalarAsync<long>($"SELECT count(*) FROM layer_versions WHERE layer = '{layer}'")).ShouldBe(3);
        // The serving version cannot be "rolled back" to.
        var (_, serving) = await server.AskAsync(key, rollback, new { l = layer, to = 3, seen = 3 });
        serving.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("BAD_REQUEST");
    }

    [Theory]
    [InlineData("handler")]
    [InlineData("contractor")]
    [InlineData("integration")]
    public async Task Nobody_but_gis_staff_and_admins_compares_or_rolls_back(string role)
    {
        var gis = await GisKeyAsync();
        var layer = $"history-{role}";
        await ImportAsync(gis, layer, First);
        await ImportAsync(gis, layer, Second);
        var key = await server.KeyAsync(role, role == "contractor" ? "klotterfritt" : null);
        var (_, diff) = await server.AskAsync(key, Diff, new { layer, from = 1, to = 2 });
        diff.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("FORBIDDEN");
        var (_, rollback) = await server.AskAsync(key, "mutation($l: String!) { rollbackLayer(layer: $l, toVersion: 1) { version } }", new { l = layer });
        rollback.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("FORBIDDEN");
        (await server.Database.ScalarAsync<int>($"SELECT v.version FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = '{layer}'")).ShouldBe(2);
        // An admin may.
        var admin = await server.KeyAsync("admin");
        (await AskAsync(admin, "mutation($l: String!) { rollbackLayer(layer: $l, toVersion: 1) { version } }", new { l = layer }))
            .GetProperty("rollbackLayer").GetProperty("version").GetInt32().ShouldBe(3);
    }

    private static List<string> Kinds(JsonElement change) => [.. change.GetProperty("kinds").EnumerateArray().Select(k => k.GetString()!)];

    private static List<string> Fields(JsonElement change) => [.. change.GetProperty("fields").EnumerateArray().Select(f =>
        $"{(f.GetProperty("attribute").GetBoolean() ? "@" : "")}{f.GetProperty("field").GetString()}: {f.GetProperty("before").GetRawText()} → {f.GetProperty("after").GetRawText()}")];
}

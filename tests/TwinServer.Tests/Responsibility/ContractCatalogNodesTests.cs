using System.Text.Json;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>
/// Each node keeps the contract layers and the organisations in memory for the lookup (ContractCatalog); what changes in
/// the database reaches both nodes' next lookup: a contract layer imported through one node, and an organisation's
/// channel changed in the database as the catalog import changes it.
/// </summary>
public sealed class ContractCatalogNodesTests(TwinNodes nodes) : IClassFixture<TwinNodes>
{
    // Graffiti on the Skanstull bridge: the bridge contract's subcontractor, klotterfritt (story S1). (The other test
    // adds a second contract naming the bridge's pillar S1, not the bridge.)
    private const string Query = """
        { responsibility(objectId: "sthlm-assets:TK-BRO-0417", taskType: "graffiti") {
            contract { sourceId contractor { key } } recipient { key channel } recipientRole } }
        """;

    private static async Task<JsonElement> AskAsync(TwinNode node) => (await node.DataAsync(Query)).GetProperty("responsibility");

    [Fact]
    public async Task An_organisation_changed_in_the_database_is_used_by_both_nodes_next_lookup()
    {
        foreach (var node in new[] { nodes.A, nodes.B })
        {
            var before = await AskAsync(node);
            before.GetProperty("recipient").GetProperty("key").GetString().ShouldBe("klotterfritt");
            before.GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("WEBHOOK");
        }
        await using (var change = nodes.Database.DataSource.CreateCommand(
            "UPDATE organisations SET webhook_url = NULL, email = 'jour@klotterfritt.example' WHERE key = 'klotterfritt'"))
        {
            (await change.ExecuteNonQueryAsync()).ShouldBe(1);
        }
        try
        {
            foreach (var node in new[] { nodes.A, nodes.B })
            {
                (await AskAsync(node)).GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("EMAIL", "the next lookup reads the organisation as it is now");
            }
        }
        finally
        {
            await using var back = nodes.Database.DataSource.CreateCommand(
                "UPDATE organisations SET webhook_url = 'http://127.0.0.1:5099/webhooks/klotterfritt', email = NULL WHERE key = 'klotterfritt'");
            await back.ExecuteNonQueryAsync();
        }
        (await AskAsync(nodes.B)).GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("WEBHOOK");
    }

    [Fact]
    public async Task Without_the_change_count_every_lookup_reads_the_organisations_again()
    {
        (await AskAsync(nodes.A)).GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("WEBHOOK");
        await using (var remove = nodes.Database.DataSource.CreateCommand("DELETE FROM organisation_changes")) await remove.ExecuteNonQueryAsync();
        try
        {
            await using (var change = nodes.Database.DataSource.CreateCommand(
                "UPDATE organisations SET webhook_url = NULL, email = 'jour@klotterfritt.example' WHERE key = 'klotterfritt'"))
            {
                await change.ExecuteNonQueryAsync();
            }
            (await AskAsync(nodes.A)).GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("EMAIL");
            await using (var back = nodes.Database.DataSource.CreateCommand(
                "UPDATE organisations SET webhook_url = 'http://127.0.0.1:5099/webhooks/klotterfritt', email = NULL WHERE key = 'klotterfritt'"))
            {
                await back.ExecuteNonQueryAsync();
            }
            (await AskAsync(nodes.A)).GetProperty("recipient").GetProperty("channel").GetString().ShouldBe("WEBHOOK");
        }
        finally
        {
            await using var restore = nodes.Database.DataSource.CreateCommand(
                "INSERT INTO organisation_changes (changes) SELECT 1000 WHERE NOT EXISTS (SELECT FROM organisation_changes)");
            await restore.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_contract_layer_imported_through_one_node_is_used_by_the_other_nodes_next_lookup()
    {
        const string Contract = """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"id":"CCN-{0}","contractor":"{1}","commissioner":"trafikkontoret","task_types":"graffiti",
               "objects":"sthlm-assets:TK-BRO-0417-S1","valid_from":"2026-01-01","valid_to":"2030-12-31"},
              "geometry":{"type":"Polygon","coordinates":[[[18.20,59.40],[18.201,59.40],[18.201,59.401],[18.20,59.401],[18.20,59.40]]]}}
            ]}
            """;
        var gis = await nodes.A.KeyAsync("gis");
        // A second contract naming the pillar, in a layer of its own: the pillar then has two contracts that list it, a
        // conflict the manager decides. Imported again with another contractor, the other node answers with the new one.
        foreach (var (version, contractor) in new[] { (1, "gatudrift-soder"), (2, "vag-anlaggning-malardalen") })
        {
            await nodes.A.ImportLayerAsync(gis, "ccn-contracts", "contract",
                Contract.Replace("{0}", version.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("{1}", contractor, StringComparison.Ordinal));
            var answer = (await nodes.B.DataAsync("""
                { responsibility(objectId: "sthlm-assets:TK-BRO-0417-S1", taskType: "graffiti") {
                    recipientRole candidates { sourceId contractor { key } } } }
                """)).GetProperty("responsibility");
            answer.GetProperty("recipientRole").GetString().ShouldBe("MANAGER", answer.ToString());
            answer.GetProperty("candidates").EnumerateArray().Select(c => $"{c.GetProperty("sourceId").GetString()} {c.GetProperty("contractor").GetProperty("key").GetString()}")
                .Order(StringComparer.Ordinal).ShouldBe([$"CCN-{version} {contractor}", "TK-BRO-2025 brounderhall-norden"]);
        }
    }
}

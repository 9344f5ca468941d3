using System.Text.Json;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>
/// A contract that names objects by id applies to the target it names, and only to it (product contract 3.5). The
/// lookup reads, in one round trip, the contracts naming any object of the stack before it knows the target; these
/// tests hold it to the rule: two buildings side by side, both in the stack, one contract naming the neighbour.
/// </summary>
public sealed class ContractByNameTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    private const string Query = """
        query ($at: PointInput, $objectId: ID) {
          responsibility(at: $at, objectId: $objectId, taskType: "graffiti", on: "2026-11-24") {
            target { id } manager { key } contract { sourceId listsTarget coversPoint } recipient { key kind channel } recipientRole
            stack { id } explanation
          }
        }
        """;

    /// <summary>Two buildings of about 6 × 11 m, 1 m apart, owned by Stockholm's housing company, away from the sample city.</summary>
    private const string Buildings = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"id":"A","owner":"soderbostader"},
          "geometry":{"type":"Polygon","coordinates":[[[18.0500,59.2899],[18.0501,59.2899],[18.0501,59.2900],[18.0500,59.2900],[18.0500,59.2899]]]}},
         {"type":"Feature","properties":{"id":"B","owner":"soderbostader"},
          "geometry":{"type":"Polygon","coordinates":[[[18.05012,59.2899],[18.05022,59.2899],[18.05022,59.2900],[18.05012,59.2900],[18.05012,59.2899]]]}}
        ]}
        """;

    /// <summary>The housing company's graffiti contract naming building B only; its area is elsewhere, far from both.</summary>
    private const string Contracts = """
        {"type":"FeatureCollection","features":[
         {"type":"Feature","properties":{"id":"CBN-1","contractor":"klotterfritt","commissioner":"soderbostader","task_types":"graffiti",
           "objects":"cbn-buildings:B","valid_from":"2025-01-01","valid_to":"2030-12-31"},
          "geometry":{"type":"Polygon","coordinates":[[[18.10,59.32],[18.101,59.32],[18.101,59.321],[18.10,59.321],[18.10,59.32]]]}}
        ]}
        """;

    private async Task LoadAsync()
    {
        var key = await server.KeyAsync("gis");
        await server.ImportLayerAsync(key, "cbn-buildings", "building", Buildings);
        await server.ImportLayerAsync(key, "cbn-contracts", "contract", Contracts);
    }

    private async Task<JsonElement> AskAsync(object variables)
    {
        var data = await server.DataAsync(Query, variables);
        return data.GetProperty("responsibility");
    }

    [Fact]
    public async Task A_contract_naming_a_neighbour_in_the_stack_does_not_apply_to_the_target_but_does_to_the_neighbour()
    {
        await LoadAsync();

        // Inside A; B is a metre away, in the stack too.
        var atA = await AskAsync(new { at = new { x = 18.05005, y = 59.28995 } });
        atA.GetProperty("target").GetProperty("id").GetString().ShouldBe("cbn-buildings:A");
        atA.GetProperty("stack").EnumerateArray().Select(o => o.GetProperty("id").GetString()).ShouldContain("cbn-buildings:B");
        atA.GetProperty("manager").GetProperty("key").GetString().ShouldBe("soderbostader");
        atA.GetProperty("contract").ValueKind.ShouldBe(JsonValueKind.Null, atA.ToString());
        atA.GetProperty("recipientRole").GetString().ShouldBe("MANAGER");
        atA.GetProperty("recipient").GetProperty("key").GetString().ShouldBe("soderbostader");

        // B clicked at the same point: the contract names it.
        var atB = await AskAsync(new { at = new { x = 18.05005, y = 59.28995 }, objectId = "cbn-buildings:B" });
        atB.GetProperty("target").GetProperty("id").GetString().ShouldBe("cbn-buildings:B");
        var contract = atB.GetProperty("contract");
        contract.ValueKind.ShouldBe(JsonValueKind.Object, atB.ToString());
        contract.GetProperty("sourceId").GetString().ShouldBe("CBN-1");
        contract.GetProperty("listsTarget").GetBoolean().ShouldBeTrue();
        contract.GetProperty("coversPoint").GetBoolean().ShouldBeFalse();
        atB.GetProperty("recipientRole").GetString().ShouldBe("CONTRACTOR");
        // The organisation comes whole with the answer (read in the lookup's own round trip).
        var recipient = atB.GetProperty("recipient");
        recipient.GetProperty("key").GetString().ShouldBe("klotterfritt");
        recipient.GetProperty("kind").GetString().ShouldNotBeNullOrEmpty();
    }
}

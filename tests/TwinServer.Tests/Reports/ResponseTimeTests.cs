namespace DigitalTwin.Server.Tests.Reports;

/// <summary>The sample city's response times as GraphQL shows them, read in one batch for a whole list of contracts.</summary>
public sealed class ResponseTimeTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Fact]
    public async Task Contracts_and_subcontracts_show_their_response_times_per_task_type_the_rest_last()
    {
        var data = await server.DataAsync("""
            { contracts(taskType: "graffiti") { id responseTimes { taskType hours } subcontracts { id responseTimes { taskType hours } } } }
            """);
        var contracts = data.GetProperty("contracts").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetString()!);
        static string Times(System.Text.Json.JsonElement e) => string.Join(", ",
            e.GetProperty("responseTimes").EnumerateArray().Select(t => $"{(t.GetProperty("taskType").GetString() ?? "*")} {t.GetProperty("hours").GetDouble()}"));

        Times(contracts["sthlm-contracts:TK-BRO-2025"]).ShouldBe("damage 48, graffiti 24, litter 72");
        Times(contracts["sthlm-contracts:TK-DO-SN-2025"]).ShouldBe("pothole 48, street-lighting 120, * 72");
        Times(contracts["hki-contracts:KYMP-AU-2019-KK"]).ShouldBe("* 120");
        var subcontract = contracts["sthlm-contracts:TK-BRO-2025"].GetProperty("subcontracts").EnumerateArray().Single();
        subcontract.GetProperty("id").GetString().ShouldBe("sthlm-subcontracts:UE-TK-BRO-2025-1");
        Times(subcontract).ShouldBe("graffiti 24");
    }
}

namespace DigitalTwin.Server.Tests.Contracts;

/// <summary>contracts, contractOverlaps and coverageGaps over the sample city (data/sample/README.md).</summary>
public sealed class ContractQueryTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Fact]
    public async Task Contracts_by_commissioner_and_date_with_their_subcontracts()
    {
        var data = await server.DataAsync("""
            { contracts(commissioner: "trafikkontoret", taskType: "graffiti", activeOn: "2026-11-24") {
                sourceId contractor { key } validFrom validTo objects subcontracts { sourceId subcontractor { key } } } }
            """);
        var bridge = data.GetProperty("contracts").EnumerateArray().Single(c => c.GetProperty("sourceId").GetString() == "TK-BRO-2025");
        bridge.GetProperty("contractor").GetProperty("key").GetString().ShouldBe("brounderhall-norden");
        bridge.GetProperty("validTo").GetString().ShouldBe("2030-12-31");
        bridge.GetProperty("objects").EnumerateArray().Select(o => o.GetString()).ShouldContain("sthlm-assets:TK-BRO-0417-S1");
        bridge.GetProperty("subcontracts")[0].GetProperty("subcontractor").GetProperty("key").GetString().ShouldBe("klotterfritt");
    }

    [Fact]
    public async Task Contracts_on_another_date_are_the_ones_valid_then()
    {
        var data = await server.DataAsync("""{ contracts(commissioner: "stadsdelsforvaltning-sodermalm", taskType: "park-care", activeOn: "2023-06-15") { sourceId } }""");
        data.GetProperty("contracts").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).ShouldBe(["SDF-PS-2019"]);
    }

    [Fact]
    public async Task The_conflict_of_the_two_street_contracts_is_an_overlap()
    {
        var data = await server.DataAsync("""
            { contractOverlaps(taskType: "litter", on: "2026-11-24") { a { sourceId } b { sourceId } taskTypes areaSquareMetres overlap } }
            """);
        var overlap = data.GetProperty("contractOverlaps").EnumerateArray().ShouldHaveSingleItem();
        new[] { overlap.GetProperty("a").GetProperty("sourceId").GetString(), overlap.GetProperty("b").GetProperty("sourceId").GetString() }
            .Order().ShouldBe(["TK-DO-SN-2025", "TK-DO-SS-2025"]);
        overlap.GetProperty("areaSquareMetres").GetDouble().ShouldBeGreaterThan(1);
        overlap.GetProperty("overlap").GetProperty("type").GetString()!.ShouldEndWith("Polygon");
    }

    [Fact]
    public async Task Winter_maintenance_has_a_gap_on_the_traffic_offices_streets()
    {
        var data = await server.DataAsync("""
            { coverageGaps(taskType: "winter-maintenance", on: "2026-11-24") { manager { key } objects areaSquareMetres geometry } }
            """);
        var gap = data.GetProperty("coverageGaps").EnumerateArray().Single(g => g.GetProperty("manager").GetProperty("key").GetString() == "trafikkontoret");
        gap.GetProperty("objects").EnumerateArray().Select(o => o.GetString()).ShouldContain("sthlm-assets:TK-GATA-1001");
        gap.GetProperty("areaSquareMetres").GetDouble().ShouldBeGreaterThan(100);

        // Graffiti on the bridge is under contract: the pillar is no gap for graffiti.
        var graffiti = await server.DataAsync("""{ coverageGaps(taskType: "graffiti", on: "2026-11-24") { manager { key } objects } }""");
        graffiti.GetProperty("coverageGaps").EnumerateArray()
            .SelectMany(g => g.GetProperty("objects").EnumerateArray().Select(o => o.GetString()))
            .ShouldNotContain("sthlm-assets:TK-BRO-0417-S1");
    }

    [Fact]
    public async Task Unknown_task_types_and_bad_areas_are_coded_errors()
    {
        var (_, body) = await server.GraphQLAsync("""{ coverageGaps(taskType: "sweeping") { manager { key } } }""");
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("UNKNOWN_TASK_TYPE");
        var (_, bad) = await server.GraphQLAsync("""{ contracts(within: {type: "Polygon", coordinates: [1]}) { id } }""");
        bad.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("BAD_GEOJSON");
    }
}

/// <summary>organisations with what each owns, manages, maintains and commissions.</summary>
public sealed class OrganisationRolesTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Fact]
    public async Task An_organisation_shows_what_it_manages_maintains_and_commissions()
    {
        var data = await server.DataAsync("""
            { traffic: organisations(search: "trafikkontoret") { key manages(first: 100) { totalCount nodes { id } } commissions { sourceId } }
              contractor: organisations(search: "brounderhall") { key maintains { sourceId } owns { totalCount } } }
            """);
        var traffic = data.GetProperty("traffic").EnumerateArray().Single(o => o.GetProperty("key").GetString() == "trafikkontoret");
        traffic.GetProperty("manages").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()).ShouldContain("sthlm-assets:TK-BRO-0417-S1");
        traffic.GetProperty("commissions").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).ShouldContain("TK-BRO-2025");
        var contractor = data.GetProperty("contractor")[0];
        contractor.GetProperty("maintains").EnumerateArray().Select(c => c.GetProperty("sourceId").GetString()).ShouldContain("TK-BRO-2025");
        contractor.GetProperty("owns").GetProperty("totalCount").GetInt64().ShouldBe(0);
    }
}

using DigitalTwin.Server.Responsibility;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>
/// The resolver's rule steps (product contract 3.2 to 3.7), each on its own, without a database: one small fixture per edge case.
/// The end-to-end stories against PostGIS are in ResponsibilityTests and the sample's oracle.
/// </summary>
public sealed class RuleStepTests
{
    // A stack as lookup.sql orders it: asset, building, area, parcel; within a kind, nearest first, then smallest.
    private static StackObject Object(string id, string kind, double distance = 0, double area = 100, string? owner = null, string? manager = null,
        string[]? tasks = null) =>
        new(id, id.Split(':')[0], kind, null, null, null, owner, manager, tasks, distance, area, "null");

    private static ContractMatch Contract(string id, string contractor, bool listsTarget = false, bool coversPoint = true, string? from = null, string? to = null,
        params SubcontractMatch[] subcontracts) =>
        new($"c:{id}", id, null, contractor, "trafikkontoret", ["graffiti"], from is null ? null : DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            to is null ? null : DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture), listsTarget, coversPoint) { Subcontracts = subcontracts };

    private static readonly DateOnly On = new(2026, 11, 24);

    // --- 3.2 Target ---------------------------------------------------------------------------------------------

    [Fact]
    public void The_clicked_object_is_the_target_even_under_an_asset()
    {
        var clicked = Object("b:house", "building");
        ResponsibilityResolver.Target(clicked, [Object("a:lamp", "asset"), clicked], []).ShouldBe(clicked);
    }

    [Fact]
    public void Without_a_click_the_first_asset_or_building_of_the_stack_is_the_target()
    {
        var lamp = Object("a:lamp", "asset", distance: 3);
        ResponsibilityResolver.Target(null, [lamp, Object("b:house", "building"), Object("p:1", "parcel")], []).ShouldBe(lamp);
        var house = Object("b:house", "building");
        ResponsibilityResolver.Target(null, [Object("ar:district", "area"), house, Object("p:1", "parcel")], []).ShouldBe(house);
    }

    [Fact]
    public void On_open_ground_the_parcel_is_the_target_and_areas_and_contracts_never_are()
    {
        var parcel = Object("p:1", "parcel");
        var explanation = new Explanation();
        ResponsibilityResolver.Target(null, [Object("ar:district", "area"), Object("k:contract", "contract"), parcel], explanation).ShouldBe(parcel);
        explanation.Single().ShouldContain("open ground");
    }

    [Fact]
    public void Nothing_at_the_point_is_no_target_and_says_so()
    {
        var explanation = new Explanation();
        ResponsibilityResolver.Target(null, [Object("ar:district", "area")], explanation).ShouldBeNull();
        explanation.Single().ShouldStartWith("Target: nothing here");
    }

    // --- 3.4 Manager ---------------------------------------------------------------------------------------------

    [Fact]
    public void The_targets_own_manager_comes_first()
    {
        var bridge = Object("a:bridge", "asset", owner: "exploateringskontoret", manager: "trafikkontoret");
        var (manager, source, area) = ResponsibilityResolver.Manager(bridge, "exploateringskontoret", "exploateringskontoret",
            [bridge, Object("ar:m", "area", manager: "parks")], "graffiti", []);
        (manager, source, area).ShouldBe(("trafikkontoret", ManagerSource.Object, null));
    }

    [Fact]
    public void A_building_without_a_manager_is_kept_up_by_its_owner()
    {
        var house = Object("b:house", "building", owner: "soderbostader");
        ResponsibilityResolver.Manager(house, "soderbostader", "city", [house, Object("ar:m", "area", manager: "parks")], "damage", [])
            .ShouldBe(("soderbostader", ManagerSource.BuildingOwner, null));
    }

    [Fact]
    public void The_smallest_management_area_at_the_point_that_covers_the_task_manages()
    {
        var lamp = Object("a:lamp", "asset");
        var big = Object("ar:big", "area", area: 10_000, manager: "district");
        var small = Object("ar:small", "area", area: 500, manager: "parks", tasks: ["park-care"]);
        var nearby = Object("ar:nearby", "area", distance: 4, area: 10, manager: "neighbour");
        var stack = new[] { lamp, nearby, small, big };
        // The small area lists park care only; the one nearby is within the tolerance but not at the point.
        ResponsibilityResolver.Manager(lamp, null, "city", stack, "park-care", []).ShouldBe(("parks", ManagerSource.ManagementArea, small));
        ResponsibilityResolver.Manager(lamp, null, "city", stack, "graffiti", []).ShouldBe(("district", ManagerSource.ManagementArea, big));
    }

    [Fact]
    public void With_no_manager_recorded_the_land_owner_manages_and_else_nobody()
    {
        var explanation = new Explanation();
        ResponsibilityResolver.Manager(Object("a:lamp", "asset"), null, "city", [], "graffiti", explanation).ShouldBe(("city", ManagerSource.LandOwner, null));
        explanation.Single().ShouldContain("fallback");
        ResponsibilityResolver.Manager(null, null, null, [], "graffiti", []).ShouldBe((null, ManagerSource.None, null));
    }

    // --- 3.5 Contract ---------------------------------------------------------------------------------------------

    [Fact]
    public void A_contract_that_names_the_target_beats_one_whose_area_covers_the_point()
    {
        var naming = Contract("BRO", "brounderhall", listsTarget: true, coversPoint: false);
        var area = Contract("AREA", "gatudrift", coversPoint: true);
        var (chosen, conflicts) = ResponsibilityResolver.ChooseContract([area, naming], "trafikkontoret", "graffiti", On, []);
        chosen.ShouldBe(naming);
        conflicts.ShouldBeEmpty();
    }

    [Fact]
    public void Two_contracts_at_the_same_level_are_a_conflict_not_a_tie_to_break()
    {
        var north = Contract("SN", "gatudrift-soder");
        var south = Contract("SS", "vag-anlaggning");
        var explanation = new Explanation();
        var (chosen, conflicts) = ResponsibilityResolver.ChooseContract([north, south], "trafikkontoret", "litter", On, explanation);
        chosen.ShouldBeNull();
        conflicts.ShouldBe([north, south]);
        explanation.Single().ShouldStartWith("Conflict: 2 contracts");
    }

    [Fact]
    public void A_contract_that_ended_or_has_not_begun_is_named_with_its_date_and_not_chosen()
    {
        var ended = Contract("OLD", "old-crew", to: "2024-12-31");
        var next = Contract("NEXT", "next-crew", from: "2027-01-01");
        var explanation = new Explanation();
        var (chosen, _) = ResponsibilityResolver.ChooseContract([ended, next], "parks", "park-care", On, explanation);
        chosen.ShouldBeNull();
        explanation.ShouldContain("Contract OLD (old-crew) ended on 2024-12-31.");
        explanation.ShouldContain("Contract NEXT (next-crew) starts on 2027-01-01.");
        explanation[^1].ShouldStartWith("Contract: none of parks's contracts");
    }

    [Fact]
    public void A_contract_valid_on_its_last_day_still_applies()
    {
        var lastDay = Contract("LAST", "crew", to: "2026-11-24");
        ResponsibilityResolver.ChooseContract([lastDay], "parks", "park-care", On, []).Contract.ShouldBe(lastDay);
    }

    // --- 3.6 Subcontract ------------------------------------------------------------------------------------------

    [Fact]
    public void The_first_subcontract_covering_the_point_is_chosen_and_the_others_are_mentioned()
    {
        var elsewhere = new SubcontractMatch("s:1", "UE-1", null, "far-away-crew") { CoversPoint = false };
        var here = new SubcontractMatch("s:2", "UE-2", null, "klotterfritt");
        var explanation = new Explanation();
        ResponsibilityResolver.ChooseSubcontract(Contract("BRO", "brounderhall", subcontracts: [elsewhere, here]), "graffiti", explanation).ShouldBe(here);
        explanation[0].ShouldBe("Subcontract UE-1 (far-away-crew) does not cover the point.");
    }

    // --- 3.7 Recipient --------------------------------------------------------------------------------------------

    public static readonly TheoryData<string, string?, RecipientRole> Fallbacks = new()
    {
        { "subcontract, contract, manager", "klotterfritt", RecipientRole.Subcontractor },
        { "contract, manager", "brounderhall", RecipientRole.Contractor },
        { "manager", "trafikkontoret", RecipientRole.Manager },
        { "owner", "soderbostader", RecipientRole.Owner },
        { "land owner", "exploateringskontoret", RecipientRole.LandOwner },
        { "default", "kontaktcenter", RecipientRole.DefaultContact },
        { "", null, RecipientRole.Nobody },
    };

    [Theory]
    [MemberData(nameof(Fallbacks))]
    public void The_recipient_falls_back_in_the_specifications_order(string present, string? recipient, RecipientRole role)
    {
        bool Has(string what) => present.Split(", ").Contains(what);
        var subcontract = Has("subcontract") ? new SubcontractMatch("s:1", "UE-1", null, "klotterfritt") : null;
        var contract = Has("contract") ? Contract("BRO", "brounderhall") : null;
        var explanation = new Explanation();
        ResponsibilityResolver.Recipient(subcontract, contract, [], Has("manager") ? "trafikkontoret" : null, Has("owner") ? "soderbostader" : null,
            Has("land owner") ? "exploateringskontoret" : null, Has("default") ? "kontaktcenter" : null, explanation).ShouldBe((recipient, role));
        explanation.Single().ShouldStartWith("Recipient: ");
    }

    [Fact]
    public void On_a_conflict_the_manager_who_commissioned_both_contracts_receives()
    {
        var conflicts = new[] { Contract("SN", "gatudrift-soder"), Contract("SS", "vag-anlaggning") };
        ResponsibilityResolver.Recipient(null, null, conflicts, "trafikkontoret", null, "city", "kontaktcenter", [])
            .ShouldBe(("trafikkontoret", RecipientRole.Manager));
    }
}

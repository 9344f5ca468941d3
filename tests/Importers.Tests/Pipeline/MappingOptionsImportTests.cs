using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>The mapping's field forms through a whole import: composite and row ids, defaults, constants, lookups, the layer of listed objects.</summary>
public sealed class MappingOptionsImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private LayerMapping Mapping(string name, string json)
    {
        var path = fixture.FilePath(name);
        File.WriteAllText(path, json);
        return LayerMapping.Load(path);
    }

    [Fact]
    public async Task A_composite_id_a_constant_and_a_lookup_load_and_an_unmatched_value_is_named_by_feature()
    {
        var features = new[] { ("0180", 12, "Trafikverket"), ("0180", 13, "Stockholms stad"), ("0184", 12, "Okänd ägare") }
            .Select((p, i) => ImportFixture.Square(18.07 + i * 0.001, 59.32, 0.0004, $"\"kommun\":\"{p.Item1}\",\"nr\":{p.Item2},\"agare\":\"{p.Item3}\""));
        var file = fixture.WriteGeoJson("composite.geojson", features);
        var mapping = Mapping("composite.json", """
            { "fields": {
                "id": { "from": ["kommun", "nr"], "join": "-" },
                "type": { "const": "fastighet" },
                "owner": { "from": "agare", "lookup": { "Trafikverket": "trafikkontoret", "Stockholms stad": "exploateringskontoret" } } } }
            """);

        var rejected = await fixture.ImportAsync(new ImportOptions(file, "mo-parcels", LayerKind.Parcel) { Mapping = mapping });
        rejected.Committed.ShouldBeFalse();
        rejected.Report.FirstProblems[0].ToString().ShouldBe(
            "feature 3 (id 0184-12): error: unmatched value: 'Okänd ägare' in owner (from agare) is not in the mapping's lookup");
        rejected.Report.Fields.Single(f => f.Field == "nr").MappedTo.ShouldBe(["id"]);

        var loaded = await fixture.ImportAsync(new ImportOptions(file, "mo-parcels", LayerKind.Parcel) { Mapping = mapping, SkipInvalid = true });
        loaded.Committed.ShouldBeTrue(string.Join("\n", loaded.Report.FirstProblems));
        (await fixture.Database.ScalarAsync<string>("SELECT string_agg(id || ' ' || type || ' ' || owner, ', ' ORDER BY id) FROM current_map_objects WHERE layer = 'mo-parcels'"))
            .ShouldBe("mo-parcels:0180-12 fastighet trafikkontoret, mo-parcels:0180-13 fastighet exploateringskontoret");
    }

    [Fact]
    public async Task Row_numbers_are_ids_for_a_table_without_one_and_contracts_name_their_objects_layer_and_take_a_default()
    {
        var assets = fixture.WriteGeoJson("benches.geojson", Enumerable.Range(1, 3).Select(i => ImportFixture.PointFeature(18.07 + i * 0.001, 59.32, $"\"namn\":\"Bänk {i}\"")));
        var assetsLoaded = await fixture.ImportAsync(new ImportOptions(assets, "mo-benches", LayerKind.Asset)
        {
            Mapping = Mapping("benches.json", """{ "fields": { "id": { "row": true }, "type": { "const": "bench" } } }"""),
        });
        assetsLoaded.Committed.ShouldBeTrue(string.Join("\n", assetsLoaded.Report.FirstProblems));
        (await fixture.Database.ScalarAsync<string>("SELECT string_agg(id || '=' || name, ', ' ORDER BY id) FROM current_map_objects WHERE layer = 'mo-benches'"))
            .ShouldBe("mo-benches:1=Bänk 1, mo-benches:2=Bänk 2, mo-benches:3=Bänk 3");

        // Three Harja rows without a commissioner: the mapping's default stands in; the listed objects are bare ids.
        var contracts = fixture.WriteGeoJson("harja.geojson", new[] { "", "", "", "exploateringskontoret" }.Select((c, i) =>
            ImportFixture.Square(18.07 + i * 0.01, 59.32, 0.004, $"\"urakka\":\"U{i + 1}\",\"urakoitsija\":\"klotterfritt\",\"tilaaja\":\"{c}\",\"kohteet\":\"1;3\"")));
        var mapping = Mapping("harja.json", """
            { "objectsLayer": "mo-benches",
              "fields": { "id": "urakka", "contractor": "urakoitsija", "commissioner": { "from": "tilaaja", "default": "trafikkontoret" }, "objects": "kohteet" } }
            """);
        var result = await fixture.ImportAsync(new ImportOptions(contracts, "mo-contracts", LayerKind.Contract) { Mapping = mapping });
        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.Report.Warnings.ShouldBe(0, string.Join("\n", result.Report.FirstProblems)); // every listed object is found in mo-benches
        (await fixture.Database.ScalarAsync<string>("SELECT string_agg(commissioner, ',' ORDER BY source_id) FROM contracts WHERE layer = 'mo-contracts'"))
            .ShouldBe("trafikkontoret,trafikkontoret,trafikkontoret,exploateringskontoret");
        (await fixture.Database.ScalarAsync<string>("SELECT array_to_string(covers, ',') FROM contracts WHERE id = 'mo-contracts:U1'"))
            .ShouldBe("mo-benches:1,mo-benches:3");
    }
}

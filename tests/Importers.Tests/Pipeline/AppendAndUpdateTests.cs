using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>--append and --update: a new version built in the database from the serving one and the file, switched atomically.</summary>
public sealed class AppendAndUpdateTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private string Parcels(string name, params (int Id, string Name)[] parcels) =>
        fixture.WriteGeoJson(name, parcels.Select(p => ImportFixture.Square(18.07 + p.Id * 0.001, 59.32, 0.0004,
            $"\"id\":\"P{p.Id}\",\"name\":\"{p.Name}\",\"owner\":\"exploateringskontoret\"")));

    private Task<string> NamesAsync(string layer) => fixture.Database.ScalarAsync<string>(
        "SELECT string_agg(source_id || '=' || name, ', ' ORDER BY source_id) FROM current_map_objects WHERE layer = $1", layer);

    [Fact]
    public async Task Append_adds_update_changes_one_and_keeps_the_others_and_past_dates_answer_from_each_version()
    {
        var first = await fixture.ImportAsync(new ImportOptions(Parcels("au-1.geojson", (1, "Ett"), (2, "Två"), (3, "Tre")), "au-a", LayerKind.Parcel));
        first.Committed.ShouldBeTrue();
        var afterFirst = await fixture.Database.ScalarAsync<DateTime>("SELECT clock_timestamp()");

        var appended = await fixture.ImportAsync(new ImportOptions(Parcels("au-2.geojson", (4, "Fyra"), (5, "Fem")), "au-a", LayerKind.Parcel) { Mode = ImportMode.Append });
        appended.Committed.ShouldBeTrue(string.Join("\n", appended.Report.FirstProblems));
        appended.Version.ShouldBe(2);
        (appended.Report.Loaded, appended.Report.Kept).ShouldBe((2, 3));
        (await NamesAsync("au-a")).ShouldBe("P1=Ett, P2=Två, P3=Tre, P4=Fyra, P5=Fem");
        var afterAppend = await fixture.Database.ScalarAsync<DateTime>("SELECT clock_timestamp()");

        var updated = await fixture.ImportAsync(new ImportOptions(Parcels("au-3.geojson", (2, "Två, delad"), (6, "Sex")), "au-a", LayerKind.Parcel) { Mode = ImportMode.Update });
        updated.Committed.ShouldBeTrue(string.Join("\n", updated.Report.FirstProblems));
        (updated.Report.Loaded, updated.Report.Kept, updated.Report.Replaced).ShouldBe((2, 4, 1));
        updated.Report.Notes.ShouldContain("updated version 2: 4 objects kept, 1 replaced, 1 added.");
        (await NamesAsync("au-a")).ShouldBe("P1=Ett, P2=Två, delad, P3=Tre, P4=Fyra, P5=Fem, P6=Sex");
        // The kept objects are the previous version's, geometry and attributes alike.
        (await fixture.Database.ScalarAsync<bool>(
            """
            SELECT bool_and(ST_Equals(o.geom, p.geom) AND o.attributes::text = p.attributes::text)
            FROM map_objects o JOIN map_objects p ON p.source_id = o.source_id
            JOIN layer_versions vo ON vo.id = o.version_id AND vo.version = 3 AND vo.layer = 'au-a'
            JOIN layer_versions vp ON vp.id = p.version_id AND vp.version = 2 AND vp.layer = 'au-a'
            WHERE o.source_id <> 'P2' AND o.layer = 'au-a' AND p.layer = 'au-a'
            """)).ShouldBeTrue();

        // Each past moment answers from the version that served then.
        async Task<string> AsOfAsync(DateTime moment) => await fixture.Database.ScalarAsync<string>(
            """
            SELECT string_agg(o.source_id || '=' || o.name, ', ' ORDER BY o.source_id)
            FROM map_objects o JOIN served_versions($1) s ON s.id = o.version_id WHERE s.layer = 'au-a'
            """, moment);
        (await AsOfAsync(afterFirst)).ShouldBe("P1=Ett, P2=Två, P3=Tre");
        (await AsOfAsync(afterAppend)).ShouldBe("P1=Ett, P2=Två, P3=Tre, P4=Fyra, P5=Fem");
        (await fixture.Database.ScalarAsync<string>(
            """
            SELECT string_agg(v.version || ' ' || v.import_mode || ' ' || coalesce(b.version::text, '-') || ' ' || v.feature_count, '; ' ORDER BY v.version)
            FROM layer_versions v LEFT JOIN layer_versions b ON b.id = v.based_on WHERE v.layer = 'au-a'
            """)).ShouldBe("1 replace - 3; 2 append 1 5; 3 update 2 6");
    }

    [Fact]
    public async Task An_append_of_an_id_the_layer_has_is_rejected_by_feature_and_a_failed_one_keeps_the_old_version()
    {
        (await fixture.ImportAsync(new ImportOptions(Parcels("af-1.geojson", (1, "Ett"), (2, "Två")), "au-b", LayerKind.Parcel))).Committed.ShouldBeTrue();

        var clash = await fixture.ImportAsync(new ImportOptions(Parcels("af-2.geojson", (3, "Tre"), (1, "Ett igen")), "au-b", LayerKind.Parcel) { Mode = ImportMode.Append });
        clash.Committed.ShouldBeFalse();
        clash.Report.FirstProblems.ShouldHaveSingleItem().ToString()
            .ShouldBe("feature 2 (id P1): error: already in the layer: version 1 of au-b has an object with this id (--update replaces it)");

        await Should.ThrowAsync<IOException>(() => fixture.ImportAsync(
            new ImportOptions(Parcels("af-3.geojson", (3, "Tre"), (4, "Fyra")), "au-b", LayerKind.Parcel) { Mode = ImportMode.Append, FailAfterFeatures = 1 }));

        var dryRun = await fixture.ImportAsync(new ImportOptions(Parcels("af-4.geojson", (3, "Tre")), "au-b", LayerKind.Parcel) { Mode = ImportMode.Update, DryRun = true });
        (dryRun.Accepted, dryRun.Committed, dryRun.Report.Kept).ShouldBe((true, false, 2));

        (await NamesAsync("au-b")).ShouldBe("P1=Ett, P2=Två");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'au-b'")).ShouldBe(1);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname ~ '^map_objects_v[0-9]+$' AND NOT relispartition")).ShouldBe(0);
    }

    [Fact]
    public async Task An_update_of_a_layer_not_loaded_yet_is_its_first_version_and_another_kind_is_refused()
    {
        var result = await fixture.ImportAsync(new ImportOptions(Parcels("an-1.geojson", (1, "Ett")), "au-c", LayerKind.Parcel) { Mode = ImportMode.Update });
        result.Committed.ShouldBeTrue();
        result.Report.Notes.ShouldContain("au-c had no version to update: the file is the whole layer.");

        var error = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(
            new ImportOptions(Parcels("an-2.geojson", (2, "Två")), "au-c", LayerKind.Building) { Mode = ImportMode.Append }));
        error.Message.ShouldContain("cannot be added to from a building layer");
    }
}

using System.Globalization;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>Loading a layer: mapping, validation, reprojection, and atomic replacement of the serving version.</summary>
public sealed class LayerImporterTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    private static IEnumerable<string> Parcels(int count, string owner = "exploateringskontoret") =>
        Enumerable.Range(1, count).Select(i => ImportFixture.Square(18.07 + i * 0.001, 59.32, 0.0004,
            $"\"id\":\"P{i}\",\"name\":\"Parcel {i}\",\"owner\":\"{owner}\",\"adress\":\"Götgatan {i}\""));

    [Fact]
    public async Task A_geojson_layer_lands_in_the_storage_crs_with_its_fields()
    {
        var file = fixture.WriteGeoJson("parcels.geojson", Parcels(3));
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-a", LayerKind.Parcel));

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.Version.ShouldBe(1);
        result.SourceCrs.ShouldBe("EPSG:4326");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'parcels-a'")).ShouldBe(3);
        (await fixture.Database.ScalarAsync<string>("SELECT address FROM current_map_objects WHERE id = 'parcels-a:P2'")).ShouldBe("Götgatan 2");
        (await fixture.Database.ScalarAsync<string>("SELECT owner FROM current_map_objects WHERE id = 'parcels-a:P2'")).ShouldBe("exploateringskontoret");
        (await fixture.Database.ScalarAsync<int>("SELECT ST_SRID(geom) FROM current_map_objects WHERE id = 'parcels-a:P2'")).ShouldBe(3035);
        // Our ProjNet reprojection agrees with PostGIS's own to well under a centimetre.
        var offset = await fixture.Database.ScalarAsync<double>(
            """
            SELECT ST_Distance(ST_Centroid(geom), ST_Transform(ST_SetSRID(ST_MakePoint(18.072, 59.32), 4326), 3035))
            FROM current_map_objects WHERE id = 'parcels-a:P2'
            """);
        offset.ShouldBeLessThan(0.01);
        (await fixture.Database.ScalarAsync<string>("SELECT attributes->>'name' FROM current_map_objects WHERE id = 'parcels-a:P1'")).ShouldBe("Parcel 1");
        (await fixture.Database.ScalarAsync<int>("SELECT feature_count FROM layer_versions WHERE layer = 'parcels-a'")).ShouldBe(3);
    }

    [Fact]
    public async Task A_reimport_replaces_the_layer_and_keeps_the_previous_version_for_past_dates()
    {
        var first = fixture.WriteGeoJson("v1.geojson", Parcels(2));
        var second = fixture.WriteGeoJson("v2.geojson", Parcels(5));
        (await fixture.ImportAsync(new ImportOptions(first, "parcels-b", LayerKind.Parcel))).Committed.ShouldBeTrue();
        var result = await fixture.ImportAsync(new ImportOptions(second, "parcels-b", LayerKind.Parcel));

        result.Version.ShouldBe(2);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'parcels-b'")).ShouldBe(5);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM map_objects WHERE layer = 'parcels-b'")).ShouldBe(7);
        // The first version served until the instant the second started.
        (await fixture.Database.ScalarAsync<bool>(
            """
            SELECT upper(v1.served) = lower(v2.served) AND upper_inf(v2.served)
            FROM layer_versions v1 JOIN layer_versions v2 ON v2.layer = v1.layer AND v2.version = 2
            WHERE v1.layer = 'parcels-b' AND v1.version = 1
            """)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_failure_mid_import_leaves_the_previous_version_serving_untouched()
    {
        var first = fixture.WriteGeoJson("ok.geojson", Parcels(3));
        (await fixture.ImportAsync(new ImportOptions(first, "parcels-c", LayerKind.Parcel))).Committed.ShouldBeTrue();
        var before = await fixture.Database.ScalarAsync<string>("SELECT string_agg(id || md5(ST_AsBinary(geom)::text), ',' ORDER BY id) FROM current_map_objects WHERE layer = 'parcels-c'");

        var second = fixture.WriteGeoJson("crash.geojson", Parcels(10, "trafikkontoret"));
        await Should.ThrowAsync<IOException>(() => fixture.ImportAsync(new ImportOptions(second, "parcels-c", LayerKind.Parcel) { FailAfterFeatures = 5 }));

        (await fixture.Database.ScalarAsync<string>("SELECT string_agg(id || md5(ST_AsBinary(geom)::text), ',' ORDER BY id) FROM current_map_objects WHERE layer = 'parcels-c'"))
            .ShouldBe(before);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'parcels-c'")).ShouldBe(1);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'map_objects_v%' AND tablename NOT IN (SELECT 'map_objects_v' || id FROM layer_versions)")).ShouldBe(0);
    }

    [Fact]
    public async Task An_unknown_organisation_rejects_the_file_and_names_the_feature()
    {
        var features = Parcels(3).Append(ImportFixture.Square(18.2, 59.3, 0.0004, "\"id\":\"P9\",\"owner\":\"no-such-office\""));
        var file = fixture.WriteGeoJson("unknown-owner.geojson", features);
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-d", LayerKind.Parcel));

        result.Committed.ShouldBeFalse();
        var problem = result.Report.FirstProblems.ShouldHaveSingleItem();
        problem.FeatureNo.ShouldBe(4);
        problem.SourceId.ShouldBe("P9");
        problem.Reason.ShouldContain("no-such-office");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM map_objects WHERE layer = 'parcels-d'")).ShouldBe(0);
    }

    [Fact]
    public async Task The_report_file_gets_every_problem_while_the_summary_keeps_the_first()
    {
        var features = Enumerable.Range(1, 120).Select(i => ImportFixture.Square(18.0 + i * 0.001, 59.3, 0.0004, $"\"id\":\"X{i}\",\"owner\":\"nobody-{i}\""));
        var file = fixture.WriteGeoJson("many-errors.geojson", features);
        var reportFile = fixture.FilePath("report.txt");
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-r", LayerKind.Parcel) { ReportFile = reportFile });

        result.Committed.ShouldBeFalse();
        result.Report.Errors.ShouldBe(120);
        result.Report.FirstProblems.Count.ShouldBe(50);
        result.Report.ReasonCounts["unknown organisation"].ShouldBe(120);
        var lines = await File.ReadAllLinesAsync(reportFile);
        lines.Length.ShouldBe(120);
        lines[119].ShouldStartWith("feature 120 (id X120): error: unknown organisation: 'nobody-120'");
    }

    [Fact]
    public async Task Skip_invalid_loads_the_good_features_and_counts_the_skipped()
    {
        var features = Parcels(3).Append(ImportFixture.Square(18.2, 59.3, 0.0004, "\"id\":\"P9\",\"owner\":\"no-such-office\""));
        var file = fixture.WriteGeoJson("skip.geojson", features);
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-s", LayerKind.Parcel) { SkipInvalid = true });

        result.Committed.ShouldBeTrue();
        result.Report.Skipped.ShouldBe(1);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'parcels-s'")).ShouldBe(3);
        (await fixture.Database.ScalarAsync<int>("SELECT skipped_count FROM layer_versions WHERE layer = 'parcels-s'")).ShouldBe(1);
    }

    [Fact]
    public async Task Duplicate_ids_are_rejected_with_both_feature_numbers()
    {
        var features = Parcels(3).Append(ImportFixture.Square(18.2, 59.3, 0.0004, "\"id\":\"P2\""));
        var file = fixture.WriteGeoJson("dup.geojson", features);
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-e", LayerKind.Parcel) { SkipInvalid = true });

        result.Committed.ShouldBeFalse();
        var problem = result.Report.FirstProblems.ShouldHaveSingleItem();
        problem.FeatureNo.ShouldBe(4);
        problem.Reason.ShouldBe("duplicate id: feature 2 has the same id");
    }

    [Fact]
    public async Task A_dry_run_validates_and_writes_nothing()
    {
        var file = fixture.WriteGeoJson("dry.geojson", Parcels(4));
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-f", LayerKind.Parcel) { DryRun = true });

        result.Committed.ShouldBeFalse();
        result.Report.Errors.ShouldBe(0);
        result.Report.Loaded.ShouldBe(4);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layers WHERE name = 'parcels-f'")).ShouldBe(0);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'parcels-f'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_point_in_a_parcel_layer_is_the_wrong_geometry_type()
    {
        var features = Parcels(1).Append(ImportFixture.PointFeature(18.1, 59.3, "\"id\":\"X\""));
        var result = await fixture.ImportAsync(new ImportOptions(fixture.WriteGeoJson("point.geojson", features), "parcels-g", LayerKind.Parcel));

        result.Committed.ShouldBeFalse();
        result.Report.FirstProblems.ShouldHaveSingleItem().Reason.ShouldBe("wrong geometry type: a Point in a parcel layer, which takes polygons");
    }

    [Fact]
    public async Task A_self_intersecting_polygon_is_rejected_unless_make_valid_repairs_it_and_says_so()
    {
        const string bowtie = """{"type":"Feature","properties":{"id":"B1"},"geometry":{"type":"Polygon","coordinates":[[[18.0,59.3],[18.01,59.31],[18.01,59.3],[18.0,59.31],[18.0,59.3]]]}}""";
        var file = fixture.WriteGeoJson("bowtie.geojson", [bowtie]);

        var rejected = await fixture.ImportAsync(new ImportOptions(file, "areas-h", LayerKind.Area));
        rejected.Committed.ShouldBeFalse();
        rejected.Report.FirstProblems.ShouldHaveSingleItem().Reason.ShouldStartWith("invalid geometry: Self-intersection at (18.005 59.305)");

        var repaired = await fixture.ImportAsync(new ImportOptions(file, "areas-h", LayerKind.Area) { MakeValid = true });
        repaired.Committed.ShouldBeTrue();
        repaired.Report.Repaired.ShouldBe(1);
        var repair = repaired.Report.FirstProblems.ShouldHaveSingleItem();
        repair.Severity.ShouldBe(Severity.Repaired);
        repair.Reason.ShouldBe("invalid geometry repaired: Self-intersection at (18.005 59.305); area 0.0000000000 → 0.0000500000 square degrees (+0.00005 square degrees)");
        (await fixture.Database.ScalarAsync<bool>("SELECT bool_and(ST_IsValid(geom)) FROM current_map_objects WHERE layer = 'areas-h'")).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<int>("SELECT repaired_count FROM layer_versions WHERE layer = 'areas-h'")).ShouldBe(1);
    }

    [Fact]
    public async Task Response_times_are_read_per_task_type_and_bad_ones_are_errors_that_name_the_feature()
    {
        static string Contract(string id, double x, string times) => ImportFixture.Square(x, 59.3, 0.01,
            $"\"id\":\"{id}\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"task_types\":\"graffiti;litter\",\"response_time\":\"{times}\"");
        var good = await fixture.ImportAsync(new ImportOptions(fixture.WriteGeoJson("contracts-rt.geojson",
            [Contract("R1", 18.1, "graffiti=24h; litter: 2d"), Contract("R2", 18.2, "P1DT12H"), Contract("R3", 18.3, "graffiti=90min,*=3d")]), "contracts-rt", LayerKind.Contract));
        good.Committed.ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>(
            "SELECT string_agg(source_id || ' ' || response_times::text, ' | ' ORDER BY source_id) FROM current_map_objects WHERE layer = 'contracts-rt'"))
            .ShouldBe("""R1 {"litter": 172800, "graffiti": 86400} | R2 {"*": 129600} | R3 {"*": 259200, "graffiti": 5400}""");

        var bad = await fixture.ImportAsync(new ImportOptions(fixture.WriteGeoJson("contracts-rt-bad.geojson",
            [Contract("B1", 18.1, "graffiti=soon"), Contract("B2", 18.2, "damage=24h"), Contract("B3", 18.3, "sweeping=24h"), Contract("B4", 18.4, "24"),
             Contract("B5", 18.5, "graffiti=24h;graffiti=2d"), Contract("B6", 18.6, "-3h")]), "contracts-rt", LayerKind.Contract));
        bad.Committed.ShouldBeFalse();
        bad.Report.FirstProblems.Select(p => (p.FeatureNo, p.Reason)).ShouldBe(
        [
            (1, "bad response time: 'soon' in responseTimes is not a duration (use e.g. 4h, 2d, 30min or P2D)"),
            (2, "bad response time: 'damage' in responseTimes is not among the task types this contract covers (graffiti, litter)"),
            (3, "unknown task type: 'sweeping' in responseTimes is not a task type code"),
            (4, "bad response time: '24' in responseTimes is not a duration (use e.g. 4h, 2d, 30min or P2D)"),
            (5, "bad response time: 'graffiti' is given twice in responseTimes"),
            (6, "bad response time: '-3h' in responseTimes is not a duration (use e.g. 4h, 2d, 30min or P2D)"),
        ]);
        // The failed import left the good version serving.
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'contracts-rt'")).ShouldBe(3);
    }

    [Fact]
    public async Task Contract_dates_that_make_no_sense_are_errors()
    {
        var features = new[]
        {
            ImportFixture.Square(18.1, 59.3, 0.01, "\"id\":\"C1\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"task_types\":\"graffiti;litter\",\"valid_from\":\"2027-01-01\",\"valid_to\":\"2025-12-31\""),
            ImportFixture.Square(18.2, 59.3, 0.01, "\"id\":\"C2\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"task_types\":\"graffiti\",\"valid_from\":\"31/12/2025\""),
            ImportFixture.Square(18.3, 59.3, 0.01, "\"id\":\"C3\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"task_types\":\"sweeping\""),
        };
        var result = await fixture.ImportAsync(new ImportOptions(fixture.WriteGeoJson("contracts-bad.geojson", features), "contracts-i", LayerKind.Contract));

        result.Committed.ShouldBeFalse();
        result.Report.FirstProblems.Select(p => (p.FeatureNo, p.Reason.Split(':')[0])).ShouldBe(
            [(1, "dates make no sense"), (2, "bad date"), (3, "unknown task type")]);
    }

    [Fact]
    public async Task Contracts_and_their_subcontracts_load_with_dates_and_task_types()
    {
        var contracts = fixture.WriteGeoJson("contracts.geojson",
        [
            ImportFixture.Square(18.1, 59.3, 0.01, "\"id\":\"K1\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"task_types\":\"graffiti;damage\",\"valid_from\":\"2025-01-01\",\"valid_to\":\"2030-12-31\""),
        ]);
        (await fixture.ImportAsync(new ImportOptions(contracts, "contracts-j", LayerKind.Contract))).Committed.ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>("SELECT valid::text FROM contracts WHERE id = 'contracts-j:K1'")).ShouldBe("[2025-01-01,2031-01-01)");
        (await fixture.Database.ScalarAsync<string>("SELECT array_to_string(task_types, ',') FROM contracts WHERE id = 'contracts-j:K1'")).ShouldBe("graffiti,damage");

        var csvPath = fixture.FilePath("subcontracts.csv");
        File.WriteAllText(csvPath, "id,contract,contract_layer,subcontractor,task_types\nS1,K1,contracts-j,klotterfritt,graffiti\nS2,K404,contracts-j,klotterfritt,graffiti\n");
        var orphan = await fixture.ImportAsync(new ImportOptions(csvPath, "subcontracts-j", LayerKind.Subcontract));
        orphan.Committed.ShouldBeFalse();
        var problem = orphan.Report.FirstProblems.ShouldHaveSingleItem();
        (problem.FeatureNo, problem.Reason).ShouldBe((2, "unknown contract: contracts-j:K404 is not a contract of a loaded contract layer"));

        File.WriteAllText(csvPath, "id,contract,contract_layer,subcontractor,task_types\nS1,K1,contracts-j,klotterfritt,graffiti\n");
        (await fixture.ImportAsync(new ImportOptions(csvPath, "subcontracts-j", LayerKind.Subcontract))).Committed.ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>("SELECT subcontractor FROM subcontracts WHERE contract_ref = 'contracts-j:K1'")).ShouldBe("klotterfritt");
    }

    [Fact]
    public async Task Dates_are_taken_as_written_whatever_their_offset()
    {
        var contracts = fixture.WriteGeoJson("contracts-offset.geojson",
        [
            ImportFixture.Square(18.1, 59.3, 0.01, "\"id\":\"K2\",\"contractor\":\"broservice\",\"commissioner\":\"trafikkontoret\",\"valid_from\":\"2024-03-01T00:00:00+02:00\",\"valid_to\":\"2025-02-28T23:59:59.1234567+01:00\""),
        ]);
        var result = await fixture.ImportAsync(new ImportOptions(contracts, "contracts-o", LayerKind.Contract));
        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        (await fixture.Database.ScalarAsync<string>("SELECT valid::text FROM contracts WHERE id = 'contracts-o:K2'")).ShouldBe("[2024-03-01,2025-03-01)");
        // No task types listed: the contract covers every task type.
        (await fixture.Database.ScalarAsync<bool>("SELECT task_types IS NULL FROM contracts WHERE id = 'contracts-o:K2'")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_layer_cannot_change_its_kind()
    {
        var file = fixture.WriteGeoJson("kind.geojson", Parcels(1));
        (await fixture.ImportAsync(new ImportOptions(file, "parcels-k", LayerKind.Parcel))).Committed.ShouldBeTrue();
        var error = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "parcels-k", LayerKind.Building)));
        error.Message.ShouldContain("holds parcel objects");
    }

    [Fact]
    public async Task Coordinates_that_are_not_longitude_latitude_ask_for_the_crs()
    {
        var file = fixture.WriteGeoJson("gk25.geojson", [ImportFixture.Square(25496000, 6672500, 10, "\"id\":\"G1\"")]);
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-l", LayerKind.Parcel));
        result.Committed.ShouldBeFalse();
        result.Report.FirstProblems.ShouldHaveSingleItem().Reason.ShouldContain("use --crs");
        result.Report.Notes.ShouldHaveSingleItem().ShouldEndWith("Its coordinates look like ETRS89 / GK25FIN (EPSG:3879): give the right CRS with --crs.");

        var withCrs = await fixture.ImportAsync(new ImportOptions(file, "parcels-l", LayerKind.Parcel) { Crs = "EPSG:3879" });
        withCrs.Committed.ShouldBeTrue();
        var offset = await fixture.Database.ScalarAsync<double>(
            "SELECT ST_Distance(ST_Centroid(geom), ST_Transform(ST_SetSRID(ST_MakePoint(25496000, 6672500), 3879), 3035)) FROM current_map_objects WHERE id = 'parcels-l:G1'");
        offset.ShouldBeLessThan(0.01);
        string.Create(CultureInfo.InvariantCulture, $"{withCrs.SourceCrs}").ShouldBe("EPSG:3879");
    }

    [Fact]
    public async Task A_field_only_later_features_have_is_mapped_and_stored()
    {
        var file = fixture.WriteGeoJson("late-name.geojson",
        [
            ImportFixture.Square(18.071, 59.32, 0.0004, "\"id\":\"P1\""),
            ImportFixture.Square(18.072, 59.32, 0.0004, "\"id\":\"P2\",\"namn\":\"Bärbyn\""),
        ]);
        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-late", LayerKind.Parcel));

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        (await fixture.Database.ScalarAsync<string>("SELECT name FROM current_map_objects WHERE id = 'parcels-late:P2'")).ShouldBe("Bärbyn");
        result.Report.Fields.Select(f => f.ToString()).ShouldBe(
            ["id (in 2 features) → id; kept in the source attributes", "namn (in 1 feature) → name; kept in the source attributes"]);
    }

    [Fact]
    public async Task A_mapping_may_name_a_field_only_later_features_have_but_not_one_that_none_has()
    {
        var file = fixture.WriteGeoJson("late-owner.geojson",
        [
            ImportFixture.Square(18.071, 59.32, 0.0004, "\"id\":\"P1\""),
            ImportFixture.Square(18.072, 59.32, 0.0004, "\"id\":\"P2\",\"AGARE\":\"trafikkontoret\""),
        ]);
        DigitalTwin.Importers.Mapping.LayerMapping Map(string field) => DigitalTwin.Importers.Mapping.LayerMapping.Parse(
            System.Text.Json.Nodes.JsonNode.Parse($$$"""{"fields":{"owner":"{{{field}}}"}}""")!.AsObject(), "map.json");

        var result = await fixture.ImportAsync(new ImportOptions(file, "parcels-late-owner", LayerKind.Parcel) { Mapping = Map("AGARE") });
        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        (await fixture.Database.ScalarAsync<string>("SELECT owner FROM current_map_objects WHERE id = 'parcels-late-owner:P2'")).ShouldBe("trafikkontoret");

        var error = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "parcels-late-owner", LayerKind.Parcel) { Mapping = Map("agare") }));
        error.Message.ShouldBe("The mapping maps owner from the field 'agare', which no feature of the file has (names are case-sensitive: the file has 'AGARE'). Its fields are: id, AGARE.");
    }

    [Fact]
    public async Task A_dry_run_reports_exactly_what_the_real_run_stores()
    {
        var file = fixture.WriteGeoJson("dry-and-real.geojson",
        [
            """{"type":"Feature","id":"f1","title":"Humlegården","properties":{"id":"P1","typ":"park"},"geometry":{"type":"Point","coordinates":[18.07,59.34]}}""",
            """{"type":"Feature","properties":{"id":"P2","namn":"Bärbyn","skick":3,"namn":"Bärby"},"geometry":{"type":"Point","coordinates":[18.08,59.34]}}""",
        ]);
        var options = new ImportOptions(file, "assets-dry", LayerKind.Asset);

        var dry = await fixture.ImportAsync(options with { DryRun = true });
        var real = await fixture.ImportAsync(options);

        real.Committed.ShouldBeTrue(string.Join("\n", real.Report.FirstProblems));
        dry.Accepted.ShouldBeTrue();
        dry.Report.Loaded.ShouldBe(real.Report.Loaded);
        dry.Report.Fields.Select(f => f.ToString()).ShouldBe(real.Report.Fields.Select(f => f.ToString()));
        real.Report.Fields.Select(f => f.ToString()).ShouldBe(
        [
            "id (in 2 features) → id; kept in the source attributes",
            "typ (in 1 feature) → type; kept in the source attributes",
            "@id (in 1 feature) (the feature's own \"id\", beside an \"id\" property) kept in the source attributes",
            "namn (in 1 feature) → name; kept in the source attributes",
            "skick (in 1 feature) kept in the source attributes",
            "namn_2 (in 1 feature) (a second \"namn\" in the properties of a feature) kept in the source attributes",
            "title (in 1 feature): ignored: a member of the feature outside its \"properties\"",
        ]);
        // Every field the report says is kept is stored, and nothing else.
        (await fixture.Database.ScalarAsync<string>(
            "SELECT string_agg(source_id || ' ' || coalesce(name, '-') || ' ' || attributes::text, ' | ' ORDER BY source_id) FROM current_map_objects WHERE layer = 'assets-dry'"))
            .ShouldBe("""P1 - {"id":"P1","typ":"park","@id":"f1"} | P2 Bärbyn {"id":"P2","namn":"Bärbyn","skick":3,"namn_2":"Bärby"}""");
    }
}

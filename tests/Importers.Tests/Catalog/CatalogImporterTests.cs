using DigitalTwin.Importers.Catalog;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Tests.Pipeline;

namespace DigitalTwin.Importers.Tests.Catalog;

/// <summary>Organisations and task types from CSV or JSON: all rows or none.</summary>
public sealed class CatalogImporterTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    [Fact]
    public async Task Organisations_load_from_csv_and_update_by_key()
    {
        var file = fixture.FilePath("orgs.csv");
        File.WriteAllText(file, """
            key,kind,name_fi,name_sv,name_en,webhook_url,open311_endpoint,email
            trafikkontoret,administration,,Trafikkontoret,Traffic Office,,,trafik@example.org
            "klotterfritt",contractor,Töhrytön Oy,"Klotterfritt AB, Stockholm",,http://127.0.0.1:5099/hook,,
            """);
        var report = (await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None)).Report;
        report.Errors.ShouldBe(0);
        report.Loaded.ShouldBe(2);
        (await fixture.Database.ScalarAsync<string>("SELECT name_sv FROM organisations WHERE key = 'klotterfritt'")).ShouldBe("Klotterfritt AB, Stockholm");

        File.WriteAllText(file, "key,kind,name_sv\ntrafikkontoret,administration,Trafikkontoret Stockholm\n");
        await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None);
        (await fixture.Database.ScalarAsync<string>("SELECT name_sv FROM organisations WHERE key = 'trafikkontoret'")).ShouldBe("Trafikkontoret Stockholm");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM organisations")).ShouldBe(2);
    }

    [Fact]
    public async Task One_bad_row_rejects_the_file_and_names_the_row()
    {
        var file = fixture.FilePath("bad-orgs.json");
        File.WriteAllText(file, """
            [ { "key": "ok-org", "kind": "company", "name_en": "OK" },
              { "key": "Bad Key", "kind": "company", "name_en": "Bad" },
              { "key": "ok-org", "kind": "guild", "name_en": "Twice", "webhook_url": "ftp://x", "email": "not-an-address" } ]
            """);
        var report = (await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None)).Report;
        report.FirstProblems.Where(p => p.Severity == Severity.Error).Select(p => $"{p.FeatureNo}:{p.Reason.Split(':')[0]}").ShouldBe(
            ["2:bad key", "3:bad kind", "3:bad webhook_url", "3:bad email", "3:duplicate key"]);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM organisations WHERE key = 'ok-org'")).ShouldBe(0);
    }

    [Fact]
    public async Task Task_types_load_from_json()
    {
        var file = fixture.FilePath("tasks.json");
        File.WriteAllText(file, """[{ "code": "graffiti", "name_fi": "Töhryjen poisto", "name_sv": "Klottersanering", "name_en": "Graffiti removal" }]""");
        var report = (await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.TaskType, dryRun: false, CancellationToken.None)).Report;
        report.Loaded.ShouldBe(1);
        (await fixture.Database.ScalarAsync<string>("SELECT name_fi FROM task_types WHERE code = 'graffiti'")).ShouldBe("Töhryjen poisto");
    }

    [Fact]
    public async Task A_column_the_catalog_does_not_have_is_listed_as_ignored_in_a_dry_run_too()
    {
        var file = fixture.FilePath("orgs-webhook.csv");
        File.WriteAllText(file, "key,kind,name_sv,webhook\nparkbolaget,contractor,Parkbolaget AB,https://parkbolaget.example/hook\n");
        var report = (await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: true, CancellationToken.None)).Report;

        report.Errors.ShouldBe(0);
        var ignored = report.Fields.Where(f => f.Ignored is not null).ShouldHaveSingleItem();
        ignored.Field.ShouldBe("webhook");
        ignored.Ignored!.ShouldStartWith("not stored: no column of organisations is webhook (they are key, kind, name_fi, name_sv, name_en, webhook_url,");
        // Without the misnamed column the organisation has no way to be reached, and the dry run says so.
        report.FirstProblems.ShouldHaveSingleItem().Reason.ShouldStartWith("no delivery channel: cases for parkbolaget cannot be forwarded");
    }

    [Fact]
    public async Task An_organisation_file_with_other_column_names_loads_through_a_mapping_with_a_lookup_and_a_default()
    {
        // As a city's register exports it: Swedish headers, a type in words, a channel for some.
        var file = fixture.FilePath("organisationer.csv");
        File.WriteAllText(file, """
            Nyckel;Typ;Namn;Webbhook;Epost;Anteckning
            parkbolaget;Entreprenör;Parkbolaget AB;https://parkbolaget.example/hook;;ring först
            gatukontoret;Förvaltning;Gatukontoret;;gata@example.org;
            vagverket;Myndighet;Vägverket;;;
            """);
        var map = fixture.FilePath("organisationer-map.json");
        File.WriteAllText(map, """
            { "fields": {
                "key": "Nyckel",
                "kind": { "from": "Typ", "lookup": { "Entreprenör": "contractor", "Förvaltning": "administration" } },
                "nameSv": "Namn", "webhookUrl": "Webbhook", "email": { "from": "Epost", "default": "kontaktcenter@example.org" } } }
            """);
        var mapping = CatalogMapping.Load(map, CatalogKind.Organisation);
        var dry = await new CatalogImporter(fixture.Database.DataSource, mapping).ImportAsync(file, CatalogKind.Organisation, dryRun: true, CancellationToken.None);

        // One problem, where it is: the kind no lookup entry matches; no "missing key", no false duplicates.
        dry.Report.FirstProblems.Select(p => p.ToString()).ShouldBe(
            ["feature 3 (id vagverket): error: unmatched value: 'Myndighet' in kind (from Typ) is not in the mapping's lookup",
             "feature 3 (id vagverket): error: bad kind: 'Myndighet' is not one of administration, company, contractor, private, state, other"]);
        dry.Report.Fields.Single(f => f.Field == "Anteckning").Ignored.ShouldNotBeNull();
        dry.Report.Fields.Single(f => f.Field == "Typ").MappedTo.ShouldBe(["kind"]);
        dry.Rows[1]["email"].ShouldBe("gata@example.org");
        dry.Rows[0]["email"].ShouldBe("kontaktcenter@example.org");

        File.WriteAllText(file, File.ReadAllText(file).Replace("Myndighet", "Förvaltning", StringComparison.Ordinal));
        var real = await new CatalogImporter(fixture.Database.DataSource, mapping).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None);
        real.Report.Errors.ShouldBe(0, string.Join("\n", real.Report.FirstProblems));
        real.Report.Loaded.ShouldBe(3);
        (await fixture.Database.ScalarAsync<string>("SELECT kind || ' ' || webhook_url FROM organisations WHERE key = 'parkbolaget'")).ShouldBe("contractor https://parkbolaget.example/hook");
        (await fixture.Database.ScalarAsync<string>("SELECT email FROM organisations WHERE key = 'vagverket'")).ShouldBe("kontaktcenter@example.org");
        // The real run reports the unused column just as the dry run did.
        real.Report.Fields.Single(f => f.Field == "Anteckning").Ignored.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_file_with_other_column_names_and_no_mapping_is_one_error_that_names_its_columns()
    {
        var file = fixture.FilePath("other-names.csv");
        File.WriteAllText(file, "Nyckel,Typ,Namn\n" + string.Concat(Enumerable.Range(1, 16).Select(i => $"org-{i},company,Org {i}\n")));
        var error = await Should.ThrowAsync<ImportException>(() =>
            new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: true, CancellationToken.None));
        error.Message.ShouldContain("no column gives the organisations' key, kind, name_fi, name_sv or name_en");
        error.Message.ShouldContain("The file's columns are: Nyckel, Typ, Namn");
        error.Message.ShouldContain("--map");
    }

    [Fact]
    public async Task Task_types_take_a_mapping_too_and_a_mapping_naming_a_missing_column_says_so()
    {
        var file = fixture.FilePath("uppgifter.csv");
        File.WriteAllText(file, "Kod,Benämning\nsnow,Snöröjning\n");
        var map = fixture.FilePath("uppgifter-map.yaml");
        File.WriteAllText(map, "fields:\n  code: Kod\n  name_sv: Benämning\n");
        var result = await new CatalogImporter(fixture.Database.DataSource, CatalogMapping.Load(map, CatalogKind.TaskType))
            .ImportAsync(file, CatalogKind.TaskType, dryRun: false, CancellationToken.None);
        result.Report.Loaded.ShouldBe(1);
        (await fixture.Database.ScalarAsync<string>("SELECT name_sv FROM task_types WHERE code = 'snow'")).ShouldBe("Snöröjning");

        File.WriteAllText(map, "fields:\n  code: kod\n  name_sv: Benämning\n");
        var error = await Should.ThrowAsync<ImportException>(() => new CatalogImporter(fixture.Database.DataSource, CatalogMapping.Load(map, CatalogKind.TaskType))
            .ImportAsync(file, CatalogKind.TaskType, dryRun: true, CancellationToken.None));
        error.Message.ShouldContain("the mapping takes code from the column 'kod', which the file does not have (names are case-sensitive: the file has 'Kod')");
    }
}

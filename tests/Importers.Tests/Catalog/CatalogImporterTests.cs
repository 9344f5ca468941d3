using DigitalTwin.Importers.Catalog;
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
        var report = await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None);
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
        var report = await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: false, CancellationToken.None);
        report.FirstProblems.Select(p => $"{p.FeatureNo}:{p.Reason.Split(':')[0]}").ShouldBe(
            ["2:bad key", "3:bad kind", "3:bad webhook_url", "3:bad email", "3:duplicate key"]);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM organisations WHERE key = 'ok-org'")).ShouldBe(0);
    }

    [Fact]
    public async Task Task_types_load_from_json()
    {
        var file = fixture.FilePath("tasks.json");
        File.WriteAllText(file, """[{ "code": "graffiti", "name_fi": "Töhryjen poisto", "name_sv": "Klottersanering", "name_en": "Graffiti removal" }]""");
        var report = await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.TaskType, dryRun: false, CancellationToken.None);
        report.Loaded.ShouldBe(1);
        (await fixture.Database.ScalarAsync<string>("SELECT name_fi FROM task_types WHERE code = 'graffiti'")).ShouldBe("Töhryjen poisto");
    }

    [Fact]
    public async Task A_column_the_catalog_does_not_have_is_listed_as_ignored_in_a_dry_run_too()
    {
        var file = fixture.FilePath("orgs-webhook.csv");
        File.WriteAllText(file, "key,kind,name_sv,webhook\nparkbolaget,contractor,Parkbolaget AB,https://parkbolaget.example/hook\n");
        var report = await new CatalogImporter(fixture.Database.DataSource).ImportAsync(file, CatalogKind.Organisation, dryRun: true, CancellationToken.None);

        report.Errors.ShouldBe(0);
        var ignored = report.Fields.Where(f => f.Ignored is not null).ShouldHaveSingleItem();
        ignored.Field.ShouldBe("webhook");
        ignored.Ignored!.ShouldStartWith("not a column of organisations (those are key, kind, name_fi, name_sv, name_en, webhook_url,");
    }
}

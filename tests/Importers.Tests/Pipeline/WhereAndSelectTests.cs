using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Tests.Sources.Gdal;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>--where and --select, as ogr2ogr's -where and -select, alike for every reader: GeoJSON, Shapefile, GDAL.</summary>
public sealed class WhereAndSelectTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    private const string Where = "kommun = 'Stockholm' AND typ IN ('bro','gata')";

    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Five objects: two Stockholm bridges and streets, a Stockholm park, a Solna bridge, one without a kommun.</summary>
    private string Objects()
    {
        var rows = new[] { ("A1", "Stockholm", "bro"), ("A2", "Stockholm", "park"), ("A3", "Solna", "bro"), ("A4", "Stockholm", "gata"), ("A5", "", "bro") };
        return fixture.WriteGeoJson("objekt.geojson", rows.Select((r, i) => ImportFixture.Square(18.07 + i * 0.001, 59.32, 0.0004,
            $"\"id\":\"{r.Item1}\",\"namn\":\"Objekt {i + 1}\",\"kommun\":\"{r.Item2}\",\"typ\":\"{r.Item3}\",\"ar\":{2000 + i}")));
    }

    [Fact]
    public async Task Where_and_select_keep_the_same_features_and_fields_from_geojson_shapefile_and_gdal()
    {
        var geojson = Objects();
        var shapefile = fixture.FilePath("objekt.shp");
        Ogr2Ogr.Run("-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", shapefile, geojson);

        foreach (var (file, layer, viaGdal) in new[] { (geojson, "ws-geojson", false), (shapefile, "ws-shapefile", false), (geojson, "ws-gdal", true) })
        {
            var result = await fixture.ImportAsync(new ImportOptions(file, layer, LayerKind.Asset) { Where = Where, Select = ["id", "namn"], ViaGdal = viaGdal });
            result.Committed.ShouldBeTrue($"{layer}: {string.Join("\n", result.Report.FirstProblems)}");
            (result.Report.FeaturesRead, result.Report.Filtered, result.Report.Loaded).ShouldBe((5, 3, 2), layer);
            result.Report.Notes.ShouldContain($"--where {Where} kept 2 of 5 features.");
            result.Report.Fields.Single(f => f.Field == "kommun").Ignored.ShouldBe("left out by --select", layer);
            // Feature numbers stay the file's; the stored attributes are the selected ones only.
            (await fixture.Database.ScalarAsync<string>(
                "SELECT string_agg(source_id || ' ' || feature_no || ' ' || attributes::text, '; ' ORDER BY source_id) FROM current_map_objects WHERE layer = $1", layer))
                .ShouldBe("""A1 1 {"id":"A1","namn":"Objekt 1"}; A4 4 {"id":"A4","namn":"Objekt 4"}""", layer);
            (await fixture.Database.ScalarAsync<string>("SELECT source_filter FROM layer_versions WHERE layer = $1", layer))
                .ShouldBe($"--where {Where} --select id,namn");
        }
    }

    [Fact]
    public async Task Numbers_not_and_null_follow_sql()
    {
        var file = Objects();
        async Task<string> IdsAsync(string where)
        {
            var result = await fixture.ImportAsync(new ImportOptions(file, "ws-sql", LayerKind.Asset) { Where = where, DryRun = true, ReportFile = null });
            return $"{result.Report.Loaded}";
        }
        (await IdsAsync("ar >= 2002")).ShouldBe("3");
        (await IdsAsync("NOT kommun = 'Stockholm'")).ShouldBe("1"); // the empty kommun is unknown, not "not Stockholm"
        (await IdsAsync("kommun IS NULL OR typ LIKE 'g%'")).ShouldBe("2");
        (await IdsAsync("typ NOT IN ('bro') AND ar < 2002.5")).ShouldBe("1");
    }

    [Fact]
    public async Task A_where_or_select_naming_a_field_the_file_lacks_or_a_mapped_field_left_out_is_refused_before_reading()
    {
        var file = Objects();
        var unknown = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "ws-bad", LayerKind.Asset) { Where = "kommunnamn = 'Solna'" }));
        unknown.Message.ShouldBe("--where kommunnamn = 'Solna': the file has no field 'kommunnamn'. Its fields are: id, namn, kommun, typ, ar.");
        var syntax = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "ws-bad", LayerKind.Asset) { Where = "kommun = 'Solna' AND" }));
        syntax.Message.ShouldBe("--where kommun = 'Solna' AND: expected a field name at the end.");
        var select = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "ws-bad", LayerKind.Asset) { Select = ["namn", "agare"] }));
        select.Message.ShouldContain("--select namn,agare: the file has no field 'agare'");
        // The id is read from a field --select leaves out: said, not loaded without ids.
        var mapped = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(file, "ws-bad", LayerKind.Asset)
        {
            Select = ["namn"],
            Mapping = Importers.Mapping.LayerMapping.Load(WriteMapping()),
        }));
        mapped.Message.ShouldContain("from the field 'id', which is not read: left out by --select");
    }

    private string WriteMapping()
    {
        var path = fixture.FilePath("ws-map.json");
        File.WriteAllText(path, """{ "fields": { "id": "id" } }""");
        return path;
    }
}

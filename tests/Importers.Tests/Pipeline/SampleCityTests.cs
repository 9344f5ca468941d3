using DigitalTwin.Importers.Catalog;
using DigitalTwin.Importers.Tests.Sources;
using DigitalTwin.Testing;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>The sample city loads as ./twin up loads it, every file in its own format and CRS, text intact.</summary>
public sealed class SampleCityTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private static string Manifest => Path.Combine(TestFiles.RepositoryRoot, "data", "sample", "sample.json");

    public async Task InitializeAsync()
    {
        if (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layers") == 0)
        {
            await CityManifest.LoadAsync(fixture.Database.DataSource, Manifest, null, CancellationToken.None);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("sthlm-parcels", "parcel", 10, "GeoPackage", "EPSG:3011")]
    [InlineData("sthlm-buildings", "building", 5, "Shapefile", "EPSG:3011")]
    [InlineData("sthlm-assets", "asset", 8, "GeoPackage", "EPSG:3011")]
    [InlineData("sthlm-streetlights", "asset", 8, "CSV", "EPSG:3011")]
    [InlineData("sthlm-areas", "area", 3, "GeoJSON", "EPSG:3011")]
    [InlineData("sthlm-contracts", "contract", 7, "GeoJSON", "EPSG:4326")]
    [InlineData("sthlm-subcontracts", "subcontract", 3, "CSV", "none")]
    [InlineData("hki-parcels", "parcel", 5, "CSV", "EPSG:3879")]
    [InlineData("hki-buildings", "building", 2, "GeoJSON", "EPSG:3879")]
    [InlineData("hki-assets", "asset", 3, "GeoPackage", "EPSG:3879")]
    [InlineData("hki-areas", "area", 2, "Shapefile", "EPSG:3879")]
    [InlineData("hki-contracts", "contract", 2, "GeoJSON", "EPSG:3879")]
    [InlineData("hki-subcontracts", "subcontract", 2, "CSV", "EPSG:3879")]
    public async Task Every_sample_layer_loads_from_its_format_and_crs(string layer, string kind, int count, string format, string crs)
    {
        (await fixture.Database.ScalarAsync<string>("SELECT kind FROM layers WHERE name = $1", layer)).ShouldBe(kind);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = $1", layer)).ShouldBe(count);
        (await fixture.Database.ScalarAsync<string>("SELECT source_format FROM layer_versions WHERE layer = $1", layer)).ShouldBe(format);
        (await fixture.Database.ScalarAsync<string>("SELECT source_crs FROM layer_versions WHERE layer = $1", layer)).ShouldBe(crs);
    }

    [Fact]
    public async Task Swedish_names_from_the_windows_1252_shapefile_keep_their_letters()
    {
        var names = await fixture.Database.ScalarAsync<string>("SELECT string_agg(name, '|' ORDER BY name) FROM current_map_objects WHERE layer = 'sthlm-buildings'");
        names.ShouldContain("Tullvaktens gård");
        names.ShouldContain("Skanstullshöjden");
        // The source attributes keep the letters as written, not as \u escapes.
        (await fixture.Database.ScalarAsync<string>("SELECT attributes::text FROM current_map_objects WHERE id = 'sthlm-buildings:B3101'"))
            .ShouldContain("\"NAMN\":\"Tullvaktens gård\"");
    }

    [Theory]
    // Story points of data/sample/README.md, in the districts' own CRS: the object under each must be the one the story names.
    [InlineData(154350, 6576735, 3011, "sthlm-assets:TK-BRO-0417-S1")]
    [InlineData(154377, 6577110, 3011, "sthlm-buildings:B3103")]
    [InlineData(154250, 6576900, 3011, "sthlm-assets:SDF-PARK-0210")]
    [InlineData(25496400, 6673660, 3879, "hki-assets:HKI-PUISTO-0310")]
    [InlineData(25496240, 6673520, 3879, "hki-buildings:103215433B")]
    public async Task Story_points_fall_on_their_objects_after_reprojection(double x, double y, int srid, string objectId)
    {
        var distance = await fixture.Database.ScalarAsync<double>(
            "SELECT ST_Distance(geom, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), $3), 3035)) FROM current_map_objects WHERE id = $4",
            x, y, srid, objectId);
        distance.ShouldBeLessThan(10.0);
    }

    [Fact]
    public async Task The_bridge_contract_lists_the_pillar_and_has_a_graffiti_subcontract()
    {
        (await fixture.Database.ScalarAsync<bool>("SELECT 'sthlm-assets:TK-BRO-0417-S1' = ANY(covers) FROM contracts WHERE id = 'sthlm-contracts:TK-BRO-2025'")).ShouldBeTrue();
        (await fixture.Database.ScalarAsync<string>("SELECT subcontractor FROM subcontracts WHERE contract_ref = 'sthlm-contracts:TK-BRO-2025'")).ShouldBe("klotterfritt");
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM organisations")).ShouldBe(24);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM task_types")).ShouldBe(9);
    }
}

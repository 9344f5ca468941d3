using System.Globalization;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>
/// Coordinates in another CRS than the one they are read in are refused, with the features named and what the
/// coordinates look like; coordinates beyond a zone but inside its series load, with a note. Positions come from
/// PostGIS's ST_Transform, as a GIS tool would have written them.
/// </summary>
public sealed class AreaOfUseImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>, IAsyncLifetime
{
    public Task InitializeAsync() => fixture.SeedCatalogAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Degrees_in_a_projected_file_are_refused_as_degrees()
    {
        var file = fixture.WriteGeoJson("tm35-degrees.geojson",
        [
            ImportFixture.Square(385000, 6672000, 10, "\"id\":\"A1\""),
            ImportFixture.Square(22.5, 60.1, 0.001, "\"id\":\"A2\""),
            ImportFixture.Square(22.6, 60.2, 0.001, "\"id\":\"A3\""),
        ], crs: "EPSG:3067");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-degrees", LayerKind.Area));

        result.Committed.ShouldBeFalse();
        result.Report.FirstProblems.Select(p => (p.FeatureNo, p.Reason)).ShouldBe(
        [
            (2, "outside the CRS's area: the coordinates (22.499 60.099) look like degrees, not the metres of ETRS89 / TM35FIN(E,N) (EPSG:3067); is the source CRS right? (use --crs)"),
            (3, "outside the CRS's area: the coordinates (22.599 60.199) look like degrees, not the metres of ETRS89 / TM35FIN(E,N) (EPSG:3067); is the source CRS right? (use --crs)"),
        ]);
        result.Report.Notes.ShouldHaveSingleItem().ShouldStartWith(
            "Features 2, 3 (2) lie outside where ETRS89 / TM35FIN(E,N) (EPSG:3067) is used (Finland: 30.00°W–54.00°E, 25.10°N–84.73°N). Their coordinates look like longitude and latitude in degrees");
    }

    [Fact]
    public async Task A_stockholm_file_in_18_00_read_as_sweref_99_tm_is_refused_and_its_zone_suggested()
    {
        // Stockholm's city hall and Djurgården, as a file in SWEREF 99 18 00 (EPSG:3011) has them.
        var features = new List<string>();
        foreach (var (id, lon, lat) in new[] { ("S1", 18.0545, 59.3275), ("S2", 18.1100, 59.3260) })
        {
            var (x, y) = await ProjectAsync(lon, lat, 3011);
            features.Add(ImportFixture.Square(x, y, 20, $"\"id\":\"{id}\""));
        }
        var file = fixture.WriteGeoJson("stockholm-3011.geojson", features, crs: "EPSG:3011");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-sthlm", LayerKind.Area) { Crs = "EPSG:3006" });

        result.Committed.ShouldBeFalse();
        result.Report.Errors.ShouldBe(2);
        result.Report.FirstProblems[0].Reason.ShouldStartWith("outside the CRS's area: (153");
        result.Report.FirstProblems[0].Reason.ShouldContain("is outside where SWEREF99 TM (EPSG:3006) is used (Sweden: 10.03°E–24.17°E, 54.96°N–69.07°N)");
        result.Report.Notes.Count.ShouldBe(2);
        result.Report.Notes[0].ShouldMatch(
            "^--crs EPSG:3006 overrides the file's own CRS, SWEREF99 18 00 \\(EPSG:3011\\), from its \"crs\" member\\. Read in its own CRS, feature 1 would lie 5[0-9][0-9] km from where EPSG:3006 puts it\\.$");
        result.Report.Notes[1].ShouldStartWith("Features 1, 2 (2) lie outside where SWEREF99 TM (EPSG:3006) is used (Sweden: ");
        result.Report.Notes[1].ShouldContain("SWEREF99 18 00 (EPSG:3011)");

        var asDeclared = await fixture.ImportAsync(new ImportOptions(file, "areas-sthlm", LayerKind.Area));
        asDeclared.Committed.ShouldBeTrue(string.Join("\n", asDeclared.Report.FirstProblems));
        asDeclared.Report.Notes.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_neighbouring_gk_zone_is_refused_and_the_right_zone_comes_first()
    {
        var (x, y) = await ProjectAsync(24.9384, 60.1699, 3879);
        var file = fixture.WriteGeoJson("gk25.geojson", [ImportFixture.Square(x, y, 10, "\"id\":\"G1\"")], crs: "EPSG:3878");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-gk", LayerKind.Area));

        result.Committed.ShouldBeFalse();
        result.Report.Notes.ShouldHaveSingleItem().ShouldContain("Its coordinates look like ETRS89 / GK25FIN (EPSG:3879)");
    }

    [Fact]
    public async Task Swapped_axes_are_recognised()
    {
        var (x, y) = await ProjectAsync(24.9384, 60.1699, 3067);
        var file = fixture.WriteGeoJson("swapped.geojson", [ImportFixture.Square(y, x, 10, "\"id\":\"W1\"")], crs: "EPSG:3067");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-swapped", LayerKind.Area));

        result.Committed.ShouldBeFalse();
        result.Report.Notes.ShouldHaveSingleItem().ShouldContain("Its coordinates look like ETRS89 / TM35FIN(E,N) (EPSG:3067) with x and y swapped (northing first)");
    }

    [Fact]
    public async Task A_norwegian_file_in_utm_33_beyond_the_zone_loads_with_a_note()
    {
        // Norway keeps its national data in UTM 33N, from Bergen at 5°E to Kirkenes at 30°E.
        var features = new List<string>();
        foreach (var (id, lon, lat) in new[] { ("N1", 5.3221, 60.3913), ("N2", 10.7522, 59.9139), ("N3", 15.0, 68.0) })
        {
            var (x, y) = await ProjectAsync(lon, lat, 25833);
            features.Add(ImportFixture.Square(x, y, 10, $"\"id\":\"{id}\""));
        }
        var file = fixture.WriteGeoJson("norway-25833.geojson", features, crs: "EPSG:25833");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-norway", LayerKind.Area));

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.Report.Notes.ShouldHaveSingleItem().ShouldStartWith(
            "Features 1, 2 (2) lie outside the nominal area of ETRS89 / UTM zone 33N (EPSG:25833) (Europe - 12°E to 18°E and ETRS89 by country: 12.00°E–18.01°E, 46.40°N–84.42°N) but inside where its series of zones is used");
    }

    [Fact]
    public async Task A_crs_given_that_agrees_with_the_file_says_nothing_more()
    {
        var (x, y) = await ProjectAsync(24.9384, 60.1699, 3879);
        var file = fixture.WriteGeoJson("gk25-agrees.geojson", [ImportFixture.Square(x, y, 10, "\"id\":\"G1\"")], crs: "EPSG:3879");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-agree", LayerKind.Area) { Crs = "EPSG:3879" });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.Report.Notes.ShouldBeEmpty();
    }

    private async Task<(double X, double Y)> ProjectAsync(double lon, double lat, int epsg)
    {
        var text = await fixture.Database.ScalarAsync<string>(
            "SELECT ST_X(p)::text || ' ' || ST_Y(p)::text FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) p", lon, lat, epsg);
        var parts = text.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}

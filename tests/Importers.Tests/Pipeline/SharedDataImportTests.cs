using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Tests.Sources;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>Whole imports of real files nobody on the project wrote (../shared/data), skipped where that folder is absent.</summary>
public sealed class SharedDataImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    [SharedDataFact]
    public async Task Helsinki_in_tm35fin_given_as_gk25_is_refused_and_its_own_crs_suggested()
    {
        var file = TestFiles.Shared("helsinki-districts/Helsinki_borders.shp");
        var mapping = DigitalTwin.Importers.Mapping.LayerMapping.Parse(new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "NAMEFIN" } }, "map.json");

        var wrong = await fixture.ImportAsync(new ImportOptions(file, "helsinki-border", LayerKind.Area) { Crs = "EPSG:3879", DryRun = true, Mapping = mapping });

        wrong.Accepted.ShouldBeFalse();
        wrong.Report.FirstProblems.ShouldHaveSingleItem().Reason.ShouldStartWith("outside the CRS's area: (");
        wrong.Report.Notes[0].ShouldStartWith("--crs EPSG:3879 overrides the file's own CRS, ETRS89 / TM35FIN(E,N) (EPSG:3067), from its .prj.");
        wrong.Report.Notes[1].ShouldContain("Its coordinates look like ETRS89 / TM35FIN(E,N) (EPSG:3067)");

        var right = await fixture.ImportAsync(new ImportOptions(file, "helsinki-border", LayerKind.Area) { DryRun = true, Mapping = mapping });
        right.Accepted.ShouldBeTrue(string.Join("\n", right.Report.FirstProblems));
        right.Report.Notes.ShouldBeEmpty();
    }
}

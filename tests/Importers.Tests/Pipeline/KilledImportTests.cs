using System.Diagnostics;
using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>A real import process, killed with SIGKILL in the middle of its COPY, changes nothing.</summary>
public sealed class KilledImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    [Fact]
    public async Task A_killed_import_process_leaves_the_previous_version_serving()
    {
        var small = fixture.WriteGeoJson("small.geojson",
            Enumerable.Range(1, 3).Select(i => ImportFixture.Square(24.9 + i * 0.001, 60.17, 0.0004, $"\"id\":\"P{i}\"")));
        (await fixture.ImportAsync(new ImportOptions(small, "parcels-killed", LayerKind.Parcel))).Committed.ShouldBeTrue();

        var big = fixture.FilePath("big.geojson");
        Sources.GeoJsonSourceTests.WriteParcels(big, 400_000);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "TwinCli.dll"), "import", big, "--layer", "parcels-killed", "--kind", "parcel" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TWIN_DATABASE_URL"] = fixture.Database.ConnectionString;
        using var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();

        // Wait until the importer is inside its COPY, then kill it without warning.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'twin-import' AND query LIKE 'COPY%'") == 0)
        {
            process.HasExited.ShouldBeFalse("the importer ended before it was killed");
            DateTime.UtcNow.ShouldBeLessThan(deadline);
            await Task.Delay(50);
        }
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();

        // The server notices the dropped connection and rolls back.
        while (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'twin-import'") > 0)
        {
            DateTime.UtcNow.ShouldBeLessThan(deadline.AddSeconds(30));
            await Task.Delay(50);
        }
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'parcels-killed'")).ShouldBe(3);
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM layer_versions WHERE layer = 'parcels-killed'")).ShouldBe(1);
        // The dead import's staging table is invisible to queries, and the next import drops it.
        (await fixture.ImportAsync(new ImportOptions(small, "parcels-killed", LayerKind.Parcel))).Committed.ShouldBeTrue();
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'map_objects_v%' AND tablename NOT IN (SELECT 'map_objects_v' || id FROM layer_versions)")).ShouldBe(0);
    }
}

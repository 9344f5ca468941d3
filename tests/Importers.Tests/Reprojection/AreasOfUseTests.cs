using System.Globalization;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Testing;
using Microsoft.Data.Sqlite;

namespace DigitalTwin.Importers.Tests.Reprojection;

/// <summary>The areas of use the importer carries, against PROJ's own database and PostGIS's spatial_ref_sys.</summary>
public sealed class AreasOfUseTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void The_table_is_what_the_proj_database_on_this_machine_says()
    {
        var sql = File.ReadAllLines(Path.Combine(Sources.TestFiles.RepositoryRoot, "src", "Importers", "Reprojection", "AreasOfUse.sql"))
            .Where(line => !line.StartsWith('.'));
        using var connection = OpenProjDatabase();
        using var command = connection.CreateCommand();
        command.CommandText = string.Join("\n", sql);
        using var reader = command.ExecuteReader();
        var fromProj = new List<string>();
        while (reader.Read())
        {
            fromProj.Add(string.Join('\t', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        var carried = AreaOfUse.All.OrderBy(a => a.Code).Select(Row).ToList();
        var expected = fromProj.Select(line => Row(AreaOfUse.Parse(new StringReader("header\n" + line)).Values.Single())).ToList();
        carried.Count.ShouldBeGreaterThan(6000);
        carried.Except(expected).Take(5).ShouldBeEmpty("rows carried that proj.db no longer gives: regenerate AreasOfUse.tsv (see AreasOfUse.sql)");
        expected.Except(carried).Take(5).ShouldBeEmpty("rows proj.db gives that are not carried: regenerate AreasOfUse.tsv (see AreasOfUse.sql)");
    }

    [Fact]
    public async Task Every_epsg_crs_in_spatial_ref_sys_that_the_importer_reads_has_an_area()
    {
        var codes = new List<int>();
        await using (var command = fixture.Database.DataSource.CreateCommand(
            "SELECT srid FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND (srtext LIKE 'PROJCS[%' OR srtext LIKE 'GEOGCS[%')"))
        await using (var rows = await command.ExecuteReaderAsync())
        {
            while (await rows.ReadAsync()) codes.Add(rows.GetInt32(0));
        }
        codes.Count.ShouldBeGreaterThan(5000);

        // A few CRSs that EPSG has deprecated have extents without bounds; every other one has an area.
        var without = codes.Where(c => AreaOfUse.Of(c) is null).ToList();
        using var connection = OpenProjDatabase();
        using var deprecated = connection.CreateCommand();
        deprecated.CommandText = "SELECT code FROM crs_view WHERE auth_name = 'EPSG' AND deprecated = 1 AND CAST(code AS INTEGER) IN (SELECT value FROM json_each($codes))";
        deprecated.Parameters.AddWithValue("$codes", System.Text.Json.JsonSerializer.Serialize(without));
        using var reader = deprecated.ExecuteReader();
        var deprecatedCodes = new HashSet<int>();
        while (reader.Read()) deprecatedCodes.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        without.Where(c => !deprecatedCodes.Contains(c)).ShouldBeEmpty();
        without.Count.ShouldBeLessThan(20);
    }

    [Fact]
    public void A_zone_is_checked_against_its_own_area_and_the_area_of_its_series()
    {
        var stockholm = AreaOfUse.Of(3011).ShouldNotBeNull();
        stockholm.Name.ShouldBe("Sweden - 18 00");
        stockholm.Own.ShouldBe(new GeographicBox(17.08, 58.66, 19.61, 60.7));
        stockholm.Series.ShouldBe(AreaOfUse.Of(3016)!.Series, "the SWEREF 99 local zones are one series");
        stockholm.Series.ShouldBe(new GeographicBox(10.93, 55.28, 24.17, 69.07));

        // Norway uses UTM 33N from 4.5°E to 31°E, far outside the zone's own 12°E–18°E: the series is Europe.
        AreaOfUse.Of(25833)!.Series.Contains(5.32, 60.39, 0).ShouldBeTrue("Bergen");
        AreaOfUse.Of(25833)!.Own.Contains(5.32, 60.39, 0).ShouldBeFalse();
        AreaOfUse.Of(3006)!.Series.ShouldBe(AreaOfUse.Of(3006)!.Own, "SWEREF 99 TM is a zone of no series");
    }

    private static SqliteConnection OpenProjDatabase()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = ProjDatabase(), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
        connection.Open();
        return connection;
    }

    /// <summary>PROJ's database: where PROJ_DATA or PROJ_LIB says, else Debian's proj-data (./twin test installs it).</summary>
    private static string ProjDatabase()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("PROJ_DATA"), Environment.GetEnvironmentVariable("PROJ_LIB"), "/usr/share/proj" }
            .Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.Combine(d!, "proj.db"));
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("PROJ's database (proj.db) is not on this machine: install proj-data (apt-get install proj-data; ./twin test does), or set PROJ_DATA.");
    }

    private static string Row(AreaOfUse area) => string.Create(CultureInfo.InvariantCulture,
        $"{area.Code} {area.Deprecated} {area.Own} {area.Own.West} {area.Own.South} {area.Own.East} {area.Own.North} {area.Series.West} {area.Series.South} {area.Series.East} {area.Series.North} {area.Name}");
}

using DigitalTwin.Importers.Sources;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DigitalTwin.Importers.Tests.Sources;

/// <summary>
/// Against Fixtures/puistot.gpkg (see make_geopackage.py there for what each row tests), and GeoPackages in WAL mode
/// written here the way an editing program leaves them.
/// </summary>
public sealed class GeoPackageSourceTests : IDisposable
{
    private static readonly string Fixture = TestFiles.Fixture("puistot.gpkg");

    private readonly string directory = Directory.CreateTempSubdirectory("gpkg-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Reads_every_row_of_a_table_that_spans_many_pages_in_fid_order()
    {
        using var source = GeoPackageSource.Open(Fixture, "puistot");
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        source.Format.ShouldBe("GeoPackage");
        source.Crs.ShouldBe(SourceCrs.FromEpsg(3067));
        source.Progress.ShouldBe(1.0);
        features.Count.ShouldBe(300);
        features.Select(f => f.Attributes["fid"]).ShouldBe(Enumerable.Range(1, 300).Select(i => (object?)(long)i));
        features.Select(f => f.Number).ShouldBe(Enumerable.Range(1, 300).Select(i => (long)i));
    }

    [Fact]
    public void Progress_grows_with_the_fid_while_reading()
    {
        using var source = GeoPackageSource.Open(Fixture, "puistot");
        source.Progress.ShouldBe(0);
        var seen = source.ReadFeatures(CancellationToken.None).Select(_ => source.Progress!.Value).ToList();

        seen.ShouldBe(seen.Order());
        seen[0].ShouldBeGreaterThan(0);
        seen[149].ShouldBe(0.5, 0.01);
        source.Progress.ShouldBe(1.0);
    }

    [Fact]
    public void Reads_attributes_as_dotnet_values()
    {
        var features = Read("puistot");

        var sixth = features[5];
        sixth.Attributes["nimi"].ShouldBe("Töölönlahden puisto");
        sixth.Attributes["hoitoluokka"].ShouldBe(1L);
        sixth.Attributes["pinta_ala"].ShouldBe(625.5);
        sixth.Attributes["aktiivinen"].ShouldBe(false);
        sixth.Attributes["perustettu"].ShouldBe(new DateTime(2001, 5, 7, 0, 0, 0, DateTimeKind.Utc));
        sixth.Attributes.ContainsKey("geom").ShouldBeFalse();
    }

    [Fact]
    public void Reads_null_and_empty_geometries_as_none_and_names_the_unreadable()
    {
        var features = Read("puistot");

        features[0].Geometry.ShouldBeOfType<Polygon>().EnvelopeInternal.MinX.ShouldBe(385030);
        features[1].Geometry.ShouldBeNull();
        features[1].GeometryError.ShouldBeNull();
        features[2].Geometry.ShouldBeNull();
        features[2].GeometryError.ShouldBeNull();
        features[4].Geometry.ShouldBeNull();
        features[4].GeometryError!.ShouldContain("CompoundCurve");
    }

    [Fact]
    public void Follows_overflow_pages_for_large_geometries()
    {
        var big = Read("puistot")[3].Geometry.ShouldBeOfType<Polygon>();
        big.NumPoints.ShouldBe(2001);
        big.Area.ShouldBe(Math.PI * 500 * 500, 100);
    }

    [Fact]
    public void Reads_columns_added_after_rows_were_written_as_null_for_those_rows()
    {
        var features = Read("puistot");

        features[0].Attributes["huomautus"].ShouldBeNull();
        features[299].Attributes["huomautus"].ShouldBe("lisätty myöhemmin");
        features[299].Attributes["perustettu"].ShouldBe(new DateTime(1818, 1, 1, 0, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void Gives_the_wkt_of_a_crs_that_is_not_epsg()
    {
        using var source = GeoPackageSource.Open(Fixture, "KADUT");
        source.Crs!.Epsg.ShouldBeNull();
        source.Crs.Wkt!.ShouldStartWith("PROJCS[\"SWEREF99_18_00\"");
        source.ReadFeatures(CancellationToken.None).Select(f => f.Attributes["nimi"]).ShouldBe(["Drottninggatan", "Götgatan"]);
    }

    [Fact]
    public void Asks_which_table_when_there_are_several_and_lists_them()
    {
        Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(Fixture)).Message
            .ShouldContain("2 feature tables: puistot, kadut");
        Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(Fixture, "kuvat")).Message
            .ShouldContain("no feature table \"kuvat\"; its feature tables are: puistot, kadut");
    }

    [Fact]
    public void Refuses_a_file_that_is_not_sqlite()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "this is not a database");
            Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(path)).Message.ShouldContain("not an SQLite database");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Reads_rows_still_in_the_wal_file_while_another_program_has_the_file_open()
    {
        var path = Path.Combine(directory, "penkit.gpkg");
        using var writer = WalGeoPackage.Create(path, rows: 3);

        using var source = GeoPackageSource.Open(path);
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        source.Crs.ShouldBe(SourceCrs.FromEpsg(3067));
        features.Select(f => f.Attributes["nimi"]).ShouldBe(["penkki 1", "penkki 2", "penkki 3"]);
        features[2].Geometry.ShouldBe(new Point(385003, 6672003));
    }

    [Fact]
    public void Leaves_nothing_beside_a_wal_mode_file_that_has_no_wal_file()
    {
        var path = Path.Combine(directory, "penkit.gpkg");
        WalGeoPackage.Create(path, rows: 2).Dispose(); // closing checkpoints the rows and removes -wal and -shm

        using (var source = GeoPackageSource.Open(path))
        {
            source.ReadFeatures(CancellationToken.None).Count().ShouldBe(2);
        }

        Directory.GetFiles(directory).ShouldBe([path]);
    }

    [Fact]
    public void Refuses_a_wal_file_sqlite_cannot_read_here_and_says_what_to_do()
    {
        var original = Path.Combine(directory, "open.gpkg");
        using var writer = WalGeoPackage.Create(original, rows: 1);
        var path = Path.Combine(directory, "penkit.gpkg");
        File.Copy(original, path);
        File.Copy(original + "-wal", path + "-wal");
        // SQLite reads a -wal file only through a -shm file beside it; a dangling link makes that as impossible as a read-only folder would.
        File.CreateSymbolicLink(path + "-shm", "/nonexistent/folder/penkit.gpkg-shm");

        var error = Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(path));

        error.Message.ShouldContain("penkit.gpkg: has changes not yet written into it (penkit.gpkg-wal)");
        error.Message.ShouldContain("close the program that has it open, or open and close it once in QGIS or sqlite3");
    }

    [Fact]
    public void Refuses_an_empty_file()
    {
        var path = Path.Combine(directory, "empty.gpkg");
        File.WriteAllBytes(path, []);

        Should.Throw<SourceFormatException>(() => GeoPackageSource.Open(path)).Message.ShouldContain("not an SQLite database");
    }

    private static List<SourceFeature> Read(string table)
    {
        using var source = GeoPackageSource.Open(Fixture, table);
        return source.ReadFeatures(CancellationToken.None).ToList();
    }

    /// <summary>A GeoPackage in WAL mode, its rows still in the -wal file for as long as the returned connection is open (as while QGIS edits it).</summary>
    private static class WalGeoPackage
    {
        public static SqliteConnection Create(string path, int rows)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                PRAGMA wal_autocheckpoint = 0;
                CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
                  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL);
                CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, srs_id INTEGER);
                CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
                  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
                CREATE TABLE penkit (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POINT, nimi TEXT);
                INSERT INTO gpkg_spatial_ref_sys VALUES ('ETRS89 / TM35FIN(E,N)', 3067, 'EPSG', 3067, 'PROJCS["ETRS89 / TM35FIN(E,N)"]');
                INSERT INTO gpkg_contents VALUES ('penkit', 'features', 3067);
                INSERT INTO gpkg_geometry_columns VALUES ('penkit', 'geom', 'POINT', 3067, 0, 0);
                """;
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO penkit (geom, nimi) VALUES ($geom, $nimi)";
            var geom = command.Parameters.Add("$geom", SqliteType.Blob);
            var nimi = command.Parameters.Add("$nimi", SqliteType.Text);
            var blobs = new GeoPackageGeoWriter();
            for (var i = 1; i <= rows; i++)
            {
                geom.Value = blobs.Write(new Point(385000 + i, 6672000 + i) { SRID = 3067 });
                nimi.Value = $"penkki {i}";
                command.ExecuteNonQuery();
            }
            return connection;
        }
    }
}

using DigitalTwin.Importers.Pipeline;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Npgsql;
using NpgsqlTypes;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>
/// The importer writes EWKB itself into the COPY: PostGIS must read back exactly what Npgsql's own NetTopologySuite
/// writer gave before, for every kind of geometry, with holes, in several CRSs.
/// </summary>
public sealed class EwkbWriterTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    public static TheoryData<string> Shapes() =>
    [
        "POINT (25496000.5 6672500.25)",
        "LINESTRING (0 0, 10 0, 10 10.5)",
        "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))",
        "POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0), (10 10, 20 10, 20 20, 10 20, 10 10), (50 50, 60 50, 60 60, 50 60, 50 50))",
        "MULTIPOINT ((1 2), (3 4))",
        "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 2))",
        "MULTIPOLYGON (((0 0, 100 0, 100 100, 0 100, 0 0), (10 10, 20 10, 20 20, 10 20, 10 10)), ((200 200, 300 200, 300 300, 200 200)))",
        "GEOMETRYCOLLECTION (POINT (1 2), LINESTRING (0 0, 5 5), POLYGON ((0 0, 1 0, 1 1, 0 0)))",
    ];

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task PostGIS_reads_back_what_Npgsqls_writer_wrote(string wkt)
    {
        foreach (var srid in new[] { 3035, 3879, 3067, 3006, 4326 })
        {
            var geometry = new WKTReader().Read(wkt);
            geometry.SRID = srid;
            await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
            await using (var create = new NpgsqlCommand("CREATE TEMP TABLE shapes (ours geometry, theirs geometry)", connection))
            {
                await create.ExecuteNonQueryAsync();
            }
            await using (var copy = await connection.BeginBinaryImportAsync("COPY shapes (ours, theirs) FROM STDIN (FORMAT BINARY)"))
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(EwkbWriter.ToArray(geometry, srid), NpgsqlDbType.Bytea);
                await copy.WriteAsync(geometry, NpgsqlDbType.Geometry);
                await copy.CompleteAsync();
            }
            await using var check = new NpgsqlCommand(
                "SELECT ST_AsEWKB(ours) = ST_AsEWKB(theirs), ST_SRID(ours), ST_AsText(ours), ours FROM shapes", connection);
            await using var reader = await check.ExecuteReaderAsync();
            (await reader.ReadAsync()).ShouldBeTrue();
            reader.GetBoolean(0).ShouldBeTrue($"{wkt} in EPSG:{srid}: {reader.GetString(2)}");
            reader.GetInt32(1).ShouldBe(srid);
            var back = reader.GetFieldValue<Geometry>(3);
            back.EqualsExact(geometry).ShouldBeTrue($"{wkt} came back as {back}");
        }
    }

    /// <summary>The importer refuses empty geometries before they reach the COPY; written all the same, they are WKB's empties.</summary>
    [Theory]
    [InlineData("POINT EMPTY")]
    [InlineData("POLYGON EMPTY")]
    [InlineData("MULTIPOLYGON EMPTY")]
    public async Task Empty_geometries_are_WKBs_empties(string wkt)
    {
        await using var command = fixture.Database.DataSource.CreateCommand("SELECT ST_AsText($1::geometry) || ' ' || ST_SRID($1::geometry)");
        command.Parameters.AddWithValue(NpgsqlDbType.Bytea, EwkbWriter.ToArray(new WKTReader().Read(wkt), 3035));
        (await command.ExecuteScalarAsync()).ShouldBe($"{wkt} 3035");
    }

    [Fact]
    public void One_writer_serves_geometry_after_geometry()
    {
        var writer = new EwkbWriter();
        var big = new WKTReader().Read("POLYGON ((0 0, 100 0, 100 100, 0 100, 0 0))").Buffer(10, 400); // thousands of points: the buffer grows
        var small = new WKTReader().Read("POINT (1 2)");
        var first = writer.Write(big, 3035).ToArray();
        writer.Write(small, 3035).ToArray().ShouldBe(EwkbWriter.ToArray(small, 3035));
        writer.Write(big, 3035).ToArray().ShouldBe(first);
        // Little-endian, type 3 with the SRID flag, SRID 3035 (0x0BDB).
        first[..9].ShouldBe(new byte[] { 1, 3, 0, 0, 0x20, 0xDB, 0x0B, 0, 0 });
    }
}

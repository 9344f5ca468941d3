using System.Globalization;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Xunit.Abstractions;

namespace DigitalTwin.Importers.Tests.Reprojection;

/// <summary>
/// ProjNet, fed with spatial_ref_sys's WKT, against PostGIS's own ST_Transform (PROJ) for the common CRSs; and the
/// reprojector the importer uses for any CRS PostGIS knows (ProjNet where it agrees, PostGIS where not) against it too.
/// </summary>
public sealed class ReprojectionTests(DatabaseFixture fixture, ITestOutputHelper output) : IClassFixture<DatabaseFixture>
{
    /// <summary>Points inside each CRS's area of use, as (lon, lat).</summary>
    public static TheoryData<int, double, double> PointsInAreaOfUse()
    {
        var data = new TheoryData<int, double, double>();
        void Add(int code, params (double Lon, double Lat)[] points)
        {
            foreach (var (lon, lat) in points) data.Add(code, lon, lat);
        }

        Add(4326, (24.9384, 60.1699), (-122.4, 37.8));
        Add(4258, (24.9384, 60.1699), (18.0686, 59.3293));
        Add(3857, (24.9384, 60.1699), (-122.4194, 37.7749), (151.2093, -33.8688));
        // Not (10, 52) itself: at the projection's centre ProjNet's inverse LAEA returns longitude 0 (atan2 of 0, 0).
        Add(3035, (10.001, 52.001), (24.9384, 60.1699), (-9.1393, 38.7223), (27.0, 69.9));
        Add(3067, (24.9384, 60.1699), (27, 65), (21.6, 69.0));
        for (var code = 3873; code <= 3885; code++)
        {
            var centralMeridian = 19 + (code - 3873);
            Add(code, (centralMeridian + 0.4, 60.3), (centralMeridian - 0.45, 66.1));
        }
        // 24.1 E, the far north-east corner of Sweden, is 9 degrees from the central meridian, where ProjNet's own inverse
        // transverse Mercator drifted 1.4 cm; Krüger's series does not.
        Add(3006, (15, 62), (18.0686, 59.3293), (12.0, 56.0), (23.5, 67.8), (24.1, 65.8));
        double[] swedishZones = [12, 13.5, 15, 16.5, 18, 14.25, 15.75, 17.25, 18.75, 20.25, 21.75, 23.25];
        for (var i = 0; i < swedishZones.Length; i++) Add(3007 + i, (swedishZones[i] + 0.5, 57.7), (swedishZones[i] - 0.6, 63.8));
        Add(25832, (9, 55), (6.1, 50.0), (11.6, 48.1));
        Add(25833, (15, 52), (13.4, 52.5), (16.3, 64.0));
        return data;
    }

    [Theory]
    [MemberData(nameof(PointsInAreaOfUse))]
    public async Task Matches_PostGIS_within_a_millimetre_and_goes_back(int epsg, double lon, double lat)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var point = new GeometryFactory(new PrecisionModel(), 4326).CreatePoint(new Coordinate(lon, lat));

        var projected = (Point)catalog.CreateReprojector(4326, epsg).Transform(point);
        var expected = (Point)new WKTReader().Read(await fixture.Database.ScalarAsync<string>(
            "SELECT ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3))", lon, lat, epsg));

        var tolerance = epsg is 4326 or 4258 ? 1e-9 : 0.001;
        projected.SRID.ShouldBe(epsg);
        projected.X.ShouldBe(expected.X, tolerance, $"x in EPSG:{epsg}");
        projected.Y.ShouldBe(expected.Y, tolerance, $"y in EPSG:{epsg}");

        // Back to WGS 84 within a millimetre too, the degrees compared as metres.
        var back = (Point)catalog.CreateReprojector(epsg, 4326).Transform(projected);
        ((back.X - lon) * 111_320 * Math.Cos(lat * Math.PI / 180)).ShouldBe(0, 0.001, "longitude after the round trip, in metres");
        ((back.Y - lat) * 110_574).ShouldBe(0, 0.001, "latitude after the round trip, in metres");
    }

    [Fact]
    public async Task Gk25_keeps_its_eight_digit_eastings_and_goes_to_tm35fin_as_postgis_does()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var square = new WKTReader().Read("POLYGON ((25496000 6672000, 25496100 6672000, 25496100 6672100, 25496000 6672000))");
        square.SRID = 3879;

        var tm35 = catalog.CreateReprojector(3879, 3067).Transform(square);
        var expected = new WKTReader().Read(await fixture.Database.ScalarAsync<string>(
            "SELECT ST_AsText(ST_Transform(ST_GeomFromText($1, 3879), 3067))", square.AsText()));

        tm35.SRID.ShouldBe(3067);
        tm35.Coordinates.Zip(expected.Coordinates).ShouldAllBe(p => p.First.Distance(p.Second) < 0.01);
        square.Coordinates[0].X.ShouldBe(25496000, "the input is left as it was");
    }

    [Fact]
    public async Task A_reprojected_collection_carries_the_target_srid_in_every_part()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var parts = new WKTReader().Read("MULTIPOLYGON (((24.9 60.1, 25 60.1, 25 60.2, 24.9 60.1)), ((25.1 60.1, 25.2 60.1, 25.2 60.2, 25.1 60.1)))");
        parts.SRID = 4326;

        var result = catalog.CreateReprojector(4326, 3879).Transform(parts);

        Enumerable.Range(0, result.NumGeometries).ShouldAllBe(i => result.GetGeometryN(i).SRID == 3879);
        result.EnvelopeInternal.MinX.ShouldBeGreaterThan(25_000_000);
    }

    [Theory]
    [InlineData("EPSG:3011", 3011)]
    [InlineData("3011", 3011)]
    [InlineData("urn:ogc:def:crs:EPSG::3011", 3011)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3011", 3011)]
    [InlineData("CRS84", 4326)]
    [InlineData(" epsg:3879 ", 3879)]
    public void Parses_the_ways_people_write_a_crs(string text, int epsg) => CrsCatalog.Parse(text).ShouldBe(SourceCrs.FromEpsg(epsg));

    [Fact]
    public async Task Refuses_names_and_codes_that_are_no_map_crs_postgis_knows()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        Should.Throw<CrsException>(() => CrsCatalog.Parse("KKJ")).Message.ShouldContain("does not name a coordinate system");
        (await Should.ThrowAsync<CrsException>(() => catalog.IdentifyAsync(SourceCrs.FromEpsg(999999), CancellationToken.None)))
            .Message.ShouldBe("EPSG:999999 is not a coordinate system this database knows (PostGIS's spatial_ref_sys has no EPSG:999999).");
        (await Should.ThrowAsync<CrsException>(() => catalog.IdentifyAsync(SourceCrs.FromEpsg(4978), CancellationToken.None)))
            .Message.ShouldStartWith("EPSG:4978 is geocentric");
    }

    /// <summary>
    /// CRSs beyond the common ones, as older Nordic data and neighbours' data come: RT90 2.5 gon V, KKJ and its zones, the
    /// GK zones, TM35FIN, the Danish and Norwegian UTM zones, and a few from further away.
    /// </summary>
    public static TheoryData<int> AnyCrs() =>
    [
        3021, 3019, 3024, 2393, 2391, 2392, 2394, .. Enumerable.Range(3873, 13), 3067, 3006, 3011, 3018,
        25832, 25833, 25835, 4258, 3035, 3857, 27700, 31287, 2056, 32633, 3034, 5650, 5110, 2236, 32733,
    ];

    [Theory]
    [MemberData(nameof(AnyCrs))]
    public async Task Any_crs_postgis_knows_reprojects_to_storage_as_st_transform_does_within_a_centimetre(int epsg)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        (await catalog.IdentifyAsync(SourceCrs.FromEpsg(epsg), CancellationToken.None)).ShouldBe(epsg);
        await using var reprojector = await catalog.CreateReprojectorAsync(epsg, 3035, CancellationToken.None);

        // A 9 x 9 grid over the CRS's area of use, written in the CRS by PostGIS, as a file would hold it.
        var area = AreaOfUse.Of(epsg)!.Own;
        var grid = Enumerable.Range(0, 81).Select(i => (
            Lon: area.West + (area.East - area.West) * (0.02 + 0.96 * (i % 9) / 8),
            Lat: Math.Clamp(area.South + (area.North - area.South) * (0.02 + 0.96 * (i / 9) / 8), -85, 85))).ToArray();
        var wkt = new WKTReader();
        var sources = new List<Geometry>();
        var expected = new List<Geometry>();
        await using (var command = fixture.Database.DataSource.CreateCommand(
            """
            SELECT ST_AsText(s), ST_AsText(ST_Transform(s, 3035))
            FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS g(lon, lat, n), ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4326), $3) s
            ORDER BY n
            """))
        {
            command.Parameters.AddWithValue(grid.Select(g => g.Lon).ToArray());
            command.Parameters.AddWithValue(grid.Select(g => g.Lat).ToArray());
            command.Parameters.AddWithValue(epsg);
            await using var rows = await command.ExecuteReaderAsync();
            while (await rows.ReadAsync())
            {
                var source = wkt.Read(rows.GetString(0));
                source.SRID = epsg;
                sources.Add(source);
                expected.Add(wkt.Read(rows.GetString(1)));
            }
        }

        var got = await reprojector.TransformAsync(sources, CancellationToken.None);

        var worst = got.Zip(expected).Max(p => p.First!.Distance(p.Second));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"EPSG:{epsg}: {worst * 1000:0.000} mm; {reprojector.Method}"));
        worst.ShouldBeLessThan(0.01, reprojector.Method);
        got.ShouldAllBe(g => g!.SRID == 3035);
    }

    [Fact]
    public async Task Rt90_is_reprojected_by_postgis_since_projnet_shifts_its_datum_otherwise()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        await catalog.IdentifyAsync(SourceCrs.FromEpsg(3021), CancellationToken.None);
        await using var reprojector = await catalog.CreateReprojectorAsync(3021, 3035, CancellationToken.None);

        reprojector.ShouldBeOfType<PostgisReprojector>();
        reprojector.Method.ShouldStartWith("PostGIS's ST_Transform (ProjNet is up to ");
        reprojector.Method.ShouldEndWith(" from it over the area of use of EPSG:3021)");
    }

    /// <summary>.prj files as ArcGIS and QGIS write them: ESRI names, no AUTHORITY.</summary>
    public static TheoryData<string, int> EsriPrjFiles() => new()
    {
        { Esri("SWEREF99_TM", "GCS_SWEREF99", "D_SWEREF99", 15, 0.9996, 500000), 3006 },
        { Esri("SWEREF99_18_00", "GCS_SWEREF99", "D_SWEREF99", 18, 1.0, 150000), 3011 },
        { Esri("SWEREF99_12_00", "GCS_SWEREF99", "D_SWEREF99", 12, 1.0, 150000), 3007 },
        { Esri("ETRS_1989_UTM_Zone_33N", "GCS_ETRS_1989", "D_ETRS_1989", 15, 0.9996, 500000), 25833 },
        { Esri("ETRS_1989_UTM_Zone_32N", "GCS_ETRS_1989", "D_ETRS_1989", 9, 0.9996, 500000), 25832 },
        { Esri("EUREF_FIN_TM35FIN", "GCS_EUREF_FIN", "D_ETRS_1989", 27, 0.9996, 500000), 3067 },
        { Esri("ETRS_1989_GK25FIN", "GCS_ETRS_1989", "D_ETRS_1989", 25, 1.0, 25500000), 3879 },
        { Esri("ETRS_1989_GK19FIN", "GCS_ETRS_1989", "D_ETRS_1989", 19, 1.0, 19500000), 3873 },
        {
            """PROJCS["ETRS_1989_LAEA",GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Azimuthal_Equal_Area"],PARAMETER["False_Easting",4321000.0],PARAMETER["False_Northing",3210000.0],PARAMETER["Central_Meridian",10.0],PARAMETER["Latitude_Of_Origin",52.0],UNIT["Meter",1.0]]""",
            3035
        },
        {
            """PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]""",
            3857
        },
        { """GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""", 4326 },
        { """GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]""", 4258 },
        {
            // Helsinki_borders.prj: ESRI names, but an AUTHORITY at the top, with the code as a number.
            """PROJCS["EUREF_FIN_TM35FIN",GEOGCS["GCS_EUREF_FIN",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",27.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0],AUTHORITY["EPSG",3067]]""",
            3067
        },
    };

    [Theory]
    [MemberData(nameof(EsriPrjFiles))]
    public async Task Identifies_prj_files_by_their_parameters(string wkt, int epsg)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        (await catalog.IdentifyAsync(new SourceCrs(null, wkt), CancellationToken.None)).ShouldBe(epsg);
    }

    [Fact]
    public async Task Identifies_the_wkt_of_every_common_code_as_that_code()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        catalog.Codes.Count.ShouldBe(CrsCatalog.CommonCodes.Count, "spatial_ref_sys defines every common code");
        foreach (var code in CrsCatalog.CommonCodes)
        {
            var wkt = await fixture.Database.ScalarAsync<string>("SELECT srtext FROM spatial_ref_sys WHERE srid = $1", code);
            // Without its AUTHORITY, the WKT must still be recognised from its parameters.
            var anonymous = wkt[..wkt.LastIndexOf(",AUTHORITY[", StringComparison.Ordinal)] + "]";
            (await catalog.IdentifyAsync(new SourceCrs(null, anonymous), CancellationToken.None)).ShouldBe(code, anonymous);
        }
    }

    [Fact]
    public async Task Identifies_a_prj_of_any_crs_postgis_knows_by_its_parameters()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var austria = """PROJCS["MGI_Austria_Lambert",GEOGCS["GCS_MGI",DATUM["D_MGI",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",400000.0],PARAMETER["Central_Meridian",13.33333333333333],PARAMETER["Standard_Parallel_1",46.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",47.5],UNIT["Meter",1.0]]""";
        var rt90 = """PROJCS["RT90_25_gon_V",GEOGCS["GCS_RT_1990",DATUM["D_RT_1990",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",1500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",15.80827777777778],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

        (await catalog.IdentifyAsync(new SourceCrs(null, austria), CancellationToken.None)).ShouldBe(31287);
        (await catalog.IdentifyAsync(new SourceCrs(null, rt90), CancellationToken.None)).ShouldBe(3021);
        (await catalog.IdentifyAsync(new SourceCrs(null,
            """PROJCS["KKJ_Finland_Zone_2",GEOGCS["KKJ",DATUM["Kartastokoordinaattijarjestelma_1966",SPHEROID["International 1924",6378388,297]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",24],PARAMETER["scale_factor",1],PARAMETER["false_easting",2500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","2392"]]"""),
            CancellationToken.None)).ShouldBe(2392);
    }

    [Fact]
    public async Task Names_the_wkt_it_cannot_identify()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var nowhere = """PROJCS["Nowhere_Grid",GEOGCS["GCS_Nowhere",DATUM["D_Nowhere",SPHEROID["Odd",6378000.0,299.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",777.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",1.234],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";

        (await Should.ThrowAsync<CrsException>(() => catalog.IdentifyAsync(new SourceCrs(null, nowhere), CancellationToken.None)))
            .Message.ShouldStartWith("the coordinate system \"Nowhere_Grid\": tm, central meridian 1.234");
        (await Should.ThrowAsync<CrsException>(() => catalog.IdentifyAsync(new SourceCrs(null, "<!DOCTYPE html><html><head>"), CancellationToken.None)))
            .Message.ShouldContain("not WKT");
    }

    private static string Esri(string name, string geographic, string datum, double centralMeridian, double scale, double falseEasting) =>
        string.Create(CultureInfo.InvariantCulture,
            $"""PROJCS["{name}",GEOGCS["{geographic}",DATUM["{datum}",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",{falseEasting:0.0}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{centralMeridian}],PARAMETER["Scale_Factor",{scale}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""");
}

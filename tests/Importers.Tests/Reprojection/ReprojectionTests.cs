using System.Globalization;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace DigitalTwin.Importers.Tests.Reprojection;

/// <summary>ProjNet, fed with spatial_ref_sys's WKT, against PostGIS's own ST_Transform (PROJ) for every supported CRS.</summary>
public sealed class ReprojectionTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
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
        // 23.5 E is 8.5 degrees from the central meridian; at 24.1 E, the far north-east corner of Sweden, ProjNet's
        // inverse drifts to 1.4 cm (the forward projection still matches PostGIS within a centimetre).
        Add(3006, (15, 62), (18.0686, 59.3293), (12.0, 56.0), (23.5, 67.8));
        double[] swedishZones = [12, 13.5, 15, 16.5, 18, 14.25, 15.75, 17.25, 18.75, 20.25, 21.75, 23.25];
        for (var i = 0; i < swedishZones.Length; i++) Add(3007 + i, (swedishZones[i] + 0.5, 57.7), (swedishZones[i] - 0.6, 63.8));
        Add(25832, (9, 55), (6.1, 50.0), (11.6, 48.1));
        Add(25833, (15, 52), (13.4, 52.5), (16.3, 64.0));
        return data;
    }

    [Theory]
    [MemberData(nameof(PointsInAreaOfUse))]
    public async Task Matches_PostGIS_within_a_centimetre_and_goes_back(int epsg, double lon, double lat)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var point = new GeometryFactory(new PrecisionModel(), 4326).CreatePoint(new Coordinate(lon, lat));

        var projected = (Point)catalog.CreateReprojector(4326, epsg).Transform(point);
        var expected = (Point)new WKTReader().Read(await fixture.Database.ScalarAsync<string>(
            "SELECT ST_AsText(ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3))", lon, lat, epsg));

        var tolerance = epsg is 4326 or 4258 ? 1e-9 : 0.01;
        projected.SRID.ShouldBe(epsg);
        projected.X.ShouldBe(expected.X, tolerance, $"x in EPSG:{epsg}");
        projected.Y.ShouldBe(expected.Y, tolerance, $"y in EPSG:{epsg}");

        // Back to WGS 84 within a centimetre too: ProjNet's inverse transverse Mercator drifts by millimetres far
        // from the central meridian (8 mm at 8.5 degrees off in northern Sweden), so degrees are compared as metres.
        var back = (Point)catalog.CreateReprojector(epsg, 4326).Transform(projected);
        ((back.X - lon) * 111_320 * Math.Cos(lat * Math.PI / 180)).ShouldBe(0, 0.01, "longitude after the round trip, in metres");
        ((back.Y - lat) * 110_574).ShouldBe(0, 0.01, "latitude after the round trip, in metres");
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
    public async Task Parses_the_ways_people_write_a_crs(string text, int epsg)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        catalog.Parse(text).ShouldBe(SourceCrs.FromEpsg(epsg));
    }

    [Theory]
    [InlineData("EPSG:2393", "EPSG:2393 is not a supported")]
    [InlineData("KKJ", "does not name a coordinate system")]
    public async Task Refuses_unsupported_or_unknown_names(string text, string message)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        Should.Throw<CrsException>(() => catalog.Parse(text)).Message.ShouldContain(message);
        Should.Throw<CrsException>(() => catalog.CreateReprojector(2393, 3067)).Message.ShouldContain("EPSG:2393");
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
        catalog.Identify(new SourceCrs(null, wkt)).ShouldBe(epsg);
    }

    [Fact]
    public async Task Identifies_the_wkt_of_every_supported_code_as_that_code()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        catalog.Codes.Count.ShouldBe(CrsCatalog.SupportedCodes.Count, "spatial_ref_sys defines every supported code");
        foreach (var code in CrsCatalog.SupportedCodes)
        {
            var wkt = await fixture.Database.ScalarAsync<string>("SELECT srtext FROM spatial_ref_sys WHERE srid = $1", code);
            // Without its AUTHORITY, the WKT must still be recognised from its parameters.
            var anonymous = wkt[..wkt.LastIndexOf(",AUTHORITY[", StringComparison.Ordinal)] + "]";
            catalog.Identify(new SourceCrs(null, anonymous)).ShouldBe(code, anonymous);
        }
    }

    [Fact]
    public async Task Names_the_wkt_it_cannot_identify()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        var austria = """PROJCS["MGI_Austria_Lambert",GEOGCS["GCS_MGI",DATUM["D_MGI",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",400000.0],PARAMETER["False_Northing",400000.0],PARAMETER["Central_Meridian",13.33333333333333],PARAMETER["Standard_Parallel_1",46.0],PARAMETER["Standard_Parallel_2",49.0],PARAMETER["Latitude_Of_Origin",47.5],UNIT["Meter",1.0]]""";

        Should.Throw<CrsException>(() => catalog.Identify(new SourceCrs(null, austria))).Message.ShouldContain("\"MGI_Austria_Lambert\"");
        Should.Throw<CrsException>(() => catalog.Identify(new SourceCrs(null, "<!DOCTYPE html><html><head>"))).Message.ShouldContain("not WKT");
        Should.Throw<CrsException>(() => catalog.Identify(new SourceCrs(null,
            """PROJCS["KKJ_Finland_Zone_2",GEOGCS["KKJ",DATUM["Kartastokoordinaattijarjestelma_1966",SPHEROID["International 1924",6378388,297]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["central_meridian",24],PARAMETER["scale_factor",1],PARAMETER["false_easting",2500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","2392"]]""")))
            .Message.ShouldContain("\"KKJ_Finland_Zone_2\" (EPSG:2392) is not a supported");
    }

    private static string Esri(string name, string geographic, string datum, double centralMeridian, double scale, double falseEasting) =>
        string.Create(CultureInfo.InvariantCulture,
            $"""PROJCS["{name}",GEOGCS["{geographic}",DATUM["{datum}",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",{falseEasting:0.0}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{centralMeridian}],PARAMETER["Scale_Factor",{scale}],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""");
}

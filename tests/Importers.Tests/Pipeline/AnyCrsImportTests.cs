using System.Globalization;
using DigitalTwin.Importers.Pipeline;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;

namespace DigitalTwin.Importers.Tests.Pipeline;

/// <summary>
/// Files in CRSs beyond the common ones load where PostGIS's ST_Transform puts them: RT90 (where ProjNet would shift
/// the datum otherwise, so PostGIS reprojects), KKJ from an ESRI .prj (ProjNet agrees), a CSV given --crs.
/// </summary>
public sealed class AnyCrsImportTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    [Fact]
    public async Task An_rt90_file_loads_where_st_transform_puts_it()
    {
        var squares = new Dictionary<string, string>();
        var features = new List<string>();
        foreach (var (id, lon, lat) in new[] { ("R1", 18.0545, 59.3275), ("R2", 13.0038, 55.6050), ("R3", 20.2253, 67.8558) })
        {
            var (x, y) = await ProjectAsync(lon, lat, 3021);
            features.Add(ImportFixture.Square(x, y, 25, $"\"id\":\"{id}\""));
            squares[id] = Square(x, y, 25);
        }
        var file = fixture.WriteGeoJson("rt90.geojson", features, crs: "EPSG:3021");

        var result = await fixture.ImportAsync(new ImportOptions(file, "areas-rt90", LayerKind.Area));

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.SourceCrs.ShouldBe("EPSG:3021");
        result.Report.Reprojection!.ShouldStartWith("PostGIS's ST_Transform (ProjNet is up to ");
        (await WorstOffsetAsync("areas-rt90", 3021, squares)).ShouldBeLessThan(0.01);
    }

    [Fact]
    public async Task A_kkj_shapefile_with_an_esri_prj_loads_where_st_transform_puts_it()
    {
        const string prj = """PROJCS["KKJ_Finland_Uniform_Coordinate_System",GEOGCS["GCS_KKJ",DATUM["D_KKJ",SPHEROID["International_1924",6378388.0,297.0]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",3500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",27.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]""";
        var factory = new GeometryFactory();
        var features = new List<IFeature>();
        var squares = new Dictionary<string, string>();
        foreach (var (id, lon, lat) in new[] { ("K1", 24.9384, 60.1699), ("K2", 25.4651, 65.0121), ("K3", 27.6782, 68.9100) })
        {
            var (x, y) = await ProjectAsync(lon, lat, 2393);
            var square = factory.CreatePolygon([new(x - 15, y - 15), new(x + 15, y - 15), new(x + 15, y + 15), new(x - 15, y + 15), new(x - 15, y - 15)]);
            features.Add(new Feature(square, new AttributesTable { { "tunnus", id } }));
            squares[id] = square.AsText();
        }
        var path = fixture.FilePath("kkj.shp");
        Shapefile.WriteAllFeatures(features, path, prj);
        var mapping = DigitalTwin.Importers.Mapping.LayerMapping.Parse(new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "tunnus" } }, "map.json");

        var result = await fixture.ImportAsync(new ImportOptions(path, "areas-kkj", LayerKind.Area) { Mapping = mapping });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.SourceCrs.ShouldBe("EPSG:2393");
        result.Report.Reprojection!.ShouldStartWith("in process (within ");
        (await WorstOffsetAsync("areas-kkj", 2393, squares)).ShouldBeLessThan(0.01);
    }

    [Fact]
    public async Task A_csv_given_a_norwegian_utm_zone_loads_where_st_transform_puts_it()
    {
        var (x, y) = await ProjectAsync(25.7829, 71.1685, 25835); // Nordkapp
        var csv = fixture.FilePath("nordkapp.csv");
        var square = Square(x, y, 20);
        File.WriteAllText(csv, string.Create(CultureInfo.InvariantCulture, $"id;øst;nord;wkt\nN1;{x};{y};{square}\n"));

        var result = await fixture.ImportAsync(new ImportOptions(csv, "areas-nordkapp", LayerKind.Area) { Crs = "EPSG:25835" });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        (await WorstOffsetAsync("areas-nordkapp", 25835, new Dictionary<string, string> { ["N1"] = square })).ShouldBeLessThan(0.01);
    }

    /// <summary>How far, at most, each stored geometry of a layer is from PostGIS's ST_Transform of the geometry the file had.</summary>
    private async Task<double> WorstOffsetAsync(string layer, int sourceSrid, Dictionary<string, string> sourceWkt)
    {
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = $1", layer)).ShouldBe(sourceWkt.Count);
        var worst = 0.0;
        foreach (var (id, wkt) in sourceWkt)
        {
            worst = Math.Max(worst, await fixture.Database.ScalarAsync<double>(
                "SELECT ST_HausdorffDistance(geom, ST_Transform(ST_GeomFromText($2, $3), 3035)) FROM current_map_objects WHERE id = $1",
                $"{layer}:{id}", wkt, sourceSrid));
        }
        return worst;
    }

    /// <summary>The WKT of the square ImportFixture.Square writes, as the file holds it.</summary>
    private static string Square(double x, double y, double half) => string.Create(CultureInfo.InvariantCulture,
        $"POLYGON (({x - half} {y - half}, {x + half} {y - half}, {x + half} {y + half}, {x - half} {y + half}, {x - half} {y - half}))");

    private async Task<(double X, double Y)> ProjectAsync(double lon, double lat, int epsg)
    {
        var text = await fixture.Database.ScalarAsync<string>(
            "SELECT ST_X(p)::text || ' ' || ST_Y(p)::text FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), $3) p", lon, lat, epsg);
        var parts = text.Split(' ');
        return (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}

using System.Globalization;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Tests.Pipeline;

namespace DigitalTwin.Importers.Tests.Sources.Gdal;

/// <summary>
/// The formats our own readers do not read load through GDAL: each file is written at test time by ogr2ogr from one
/// small GeoJSON in ETRS-GK25 (EPSG:3879, Helsinki), imported, and compared with the fixture: every feature, the
/// Finnish and Swedish letters of a field, and every coordinate within a centimetre of PostGIS's ST_Transform of the
/// fixture's own.
/// </summary>
public sealed class GdalFormatTests(ImportFixture fixture) : IClassFixture<ImportFixture>
{
    private static readonly (string Id, string Name, string Wkt)[] Areas =
    [
        ("A1", "Äänekoski åö", "POLYGON ((25496000.123 6672000.987, 25496100.456 6672000.5, 25496100.25 6672100.75, 25496000.123 6672000.987))"),
        ("A2", "Mäntyä", "POLYGON ((25497000.5 6673000.5, 25497100.5 6673000.5, 25497100.5 6673100.5, 25497000.5 6673000.5))"),
        ("A3", "Östersundom", "POLYGON ((25510000 6680000, 25510200 6680000, 25510200 6680200, 25510000 6680200, 25510000 6680000))"),
    ];

    [Theory]
    [InlineData("FlatGeobuf", "areas.fgb")]
    [InlineData("GML", "areas.gml", "-dsco", "FORMAT=GML3")]
    [InlineData("GML", "areas-gml2.gml")]
    [InlineData("KML", "areas.kml")]
    [InlineData("GeoJSONSeq", "areas.geojsonl")]
    // A TAB file holds integer coordinates scaled to its bounds: these give it millimetres (GDAL's default for the CRS, centimetres).
    [InlineData("MapInfo File", "areas.tab", "-lco", "ENCODING=UTF-8", "-lco", "BOUNDS=25400000,6600000,25600000,6800000")]
    [InlineData("MapInfo File", "areas.mif", "-dsco", "FORMAT=MIF", "-lco", "ENCODING=UTF-8")]
    [InlineData("OpenFileGDB", "areas.gdb")]
    [InlineData("SQLite", "areas.sqlite")]
    public async Task A_file_gdal_writes_loads_every_feature_letter_and_coordinate(string driver, string name, params string[] options)
    {
        var path = Write(name, driver, options);
        var layer = "gdal-" + Path.GetFileNameWithoutExtension(name).Replace('.', '-') + "-" + Path.GetExtension(name)[1..];

        // KML has a Name of its own, which the conventional names would take; the Finnish one is meant.
        var mapping = LayerMapping.Parse(new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "id", ["name"] = "nimi" } }, "map.json");

        var result = await fixture.ImportAsync(new ImportOptions(path, layer, LayerKind.Area) { Mapping = mapping });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems.Select(p => p.ToString()).Concat(result.Report.Notes)));
        result.SourceFormat.ShouldStartWith("GDAL ");
        result.Report.FeaturesRead.ShouldBe(Areas.Length);
        (await fixture.Database.ScalarAsync<string>("SELECT attributes->>'nimi' FROM current_map_objects WHERE id = $1", $"{layer}:A1")).ShouldBe("Äänekoski åö");
        (await fixture.Database.ScalarAsync<string>("SELECT name FROM current_map_objects WHERE id = $1", $"{layer}:A3")).ShouldBe("Östersundom");
        (await fixture.Database.ScalarAsync<string>("SELECT attributes->>'kpl' FROM current_map_objects WHERE id = $1", $"{layer}:A2")).ShouldBe("2");
        (await WorstOffsetAsync(layer)).ShouldBeLessThan(0.01);
    }

    [Fact]
    public async Task A_dxf_without_fields_or_crs_loads_with_the_crs_given_and_its_entity_handles_as_ids()
    {
        var path = Write("areas.dxf", "DXF", []);
        var mapping = LayerMapping.Parse(new System.Text.Json.Nodes.JsonObject { ["fields"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "EntityHandle" } }, "map.json");

        var result = await fixture.ImportAsync(new ImportOptions(path, "gdal-dxf", LayerKind.Asset) { Crs = "EPSG:3879", Mapping = mapping });

        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.SourceCrs.ShouldBe("EPSG:3879");
        result.Report.FeaturesRead.ShouldBe(Areas.Length);
        // DXF keeps no attributes of its own: the layer name, the entity's handle and kind are what it has, and are kept.
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'gdal-dxf' AND attributes->>'Layer' = '0'")).ShouldBe(Areas.Length);
    }

    [Fact]
    public async Task A_source_with_several_layers_is_refused_with_their_names_until_one_is_chosen()
    {
        var path = Write("two.gdb", "OpenFileGDB", ["-nln", "puistot"]);
        Ogr2Ogr.Run("-update", "-f", "OpenFileGDB", path, fixture.FilePath("src.geojson"), "-nln", "koulut");

        var refused = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(path, "gdal-two", LayerKind.Area)));
        refused.Message.ShouldContain("has 2 layers; name one with --source-layer");
        refused.Message.ShouldContain("puistot");
        refused.Message.ShouldContain("koulut");

        var wrong = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(path, "gdal-two", LayerKind.Area) { SourceLayer = "Koulut" }));
        wrong.Message.ShouldContain("did you mean \"koulut\"");

        var result = await fixture.ImportAsync(new ImportOptions(path, "gdal-two", LayerKind.Area) { SourceLayer = "koulut" });
        result.Committed.ShouldBeTrue(string.Join("\n", result.Report.FirstProblems));
        result.SourceFormat.ShouldBe("GDAL OpenFileGDB (koulut)");
    }

    [Fact]
    public async Task A_problem_names_the_feature_by_its_place_in_the_source()
    {
        var source = fixture.WriteGeoJson("holes.geojson",
        [
            Feature("B1", "Yksi", Areas[0].Wkt),
            Feature(null, "Ilman tunnusta", Areas[1].Wkt),
            Feature("B3", "Kolme", Areas[2].Wkt),
        ], crs: "EPSG:3879");
        var path = fixture.FilePath("holes.gml");
        Ogr2Ogr.Run("-f", "GML", path, source);

        var result = await fixture.ImportAsync(new ImportOptions(path, "gdal-holes", LayerKind.Area));

        result.Committed.ShouldBeFalse();
        result.Report.FirstProblems.ShouldContain(p => p.FeatureNo == 2 && p.Reason.StartsWith("missing id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_file_gdal_cannot_read_is_refused_with_what_gdal_said()
    {
        var path = fixture.FilePath("nonsense.fgb");
        await File.WriteAllTextAsync(path, "this is no FlatGeobuf");

        var refused = await Should.ThrowAsync<ImportException>(() => fixture.ImportAsync(new ImportOptions(path, "gdal-nonsense", LayerKind.Area)));

        refused.Message.ShouldContain("GDAL cannot read it");
    }

    [Fact]
    public async Task A_geopackage_read_through_gdal_loads_where_the_native_reader_puts_it()
    {
        var path = Write("compare.gpkg", "GPKG", []);

        var native = await fixture.ImportAsync(new ImportOptions(path, "gdal-native", LayerKind.Area));
        var viaGdal = await fixture.ImportAsync(new ImportOptions(path, "gdal-via", LayerKind.Area) { ViaGdal = true });

        native.SourceFormat.ShouldBe("GeoPackage");
        viaGdal.SourceFormat.ShouldBe("GDAL GPKG (src)");
        (await fixture.Database.ScalarAsync<double>(
            "SELECT max(ST_HausdorffDistance(n.geom, g.geom)) FROM current_map_objects n JOIN current_map_objects g ON g.source_id = n.source_id AND g.layer = 'gdal-via' WHERE n.layer = 'gdal-native'"))
            .ShouldBeLessThan(0.000001);
        (await fixture.Database.ScalarAsync<long>(
            "SELECT count(*) FROM current_map_objects n JOIN current_map_objects g ON g.source_id = n.source_id AND g.layer = 'gdal-via' WHERE n.layer = 'gdal-native' AND n.attributes::jsonb = g.attributes::jsonb"))
            .ShouldBe(Areas.Length);
    }

    /// <summary>Writes the fixture in a format with ogr2ogr and returns the path.</summary>
    private string Write(string name, string driver, string[] options)
    {
        var source = fixture.WriteGeoJson("src.geojson", Areas.Select(a => Feature(a.Id, a.Name, a.Wkt)), crs: "EPSG:3879");
        var path = fixture.FilePath(name);
        Ogr2Ogr.Run(["-f", driver, path, source, .. options]);
        return path;
    }

    private static string Feature(string? id, string name, string wkt)
    {
        var ring = new NetTopologySuite.IO.WKTReader().Read(wkt).Coordinates.Select(c => string.Create(CultureInfo.InvariantCulture, $"[{c.X},{c.Y}]"));
        var idMember = id is null ? "" : $"\"id\":\"{id}\",";
        // kpl: a count, 2 for A2, to see integers come through as integers.
        return $"{{\"type\":\"Feature\",\"properties\":{{{idMember}\"nimi\":\"{name}\",\"kpl\":{(id == "A2" ? 2 : 5)}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[{string.Join(",", ring)}]]}}}}";
    }

    /// <summary>How far, at most, a stored geometry of the layer is from ST_Transform of the fixture's own.</summary>
    private async Task<double> WorstOffsetAsync(string layer)
    {
        (await fixture.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = $1", layer)).ShouldBe(Areas.Length);
        var worst = 0.0;
        foreach (var (id, _, wkt) in Areas)
        {
            worst = Math.Max(worst, await fixture.Database.ScalarAsync<double>(
                "SELECT ST_HausdorffDistance(geom, ST_Transform(ST_GeomFromText($2, 3879), 3035)) FROM current_map_objects WHERE id = $1", $"{layer}:{id}", wkt));
        }
        return worst;
    }
}

using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Testing;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Tests.Sources;

/// <summary>
/// Files nobody on the project wrote (../shared/data, see SOURCE.txt in each folder): each is read correctly or
/// refused with a message that says why. The README.md beside this file lists them with the reasons.
/// </summary>
public sealed class SharedDataSourcesTests
{
    private const string Tests = "importer-testdata/";

    [SharedDataTheory]
    [InlineData("helsinki-districts/kaupunginosat.geojson", null, 60)]
    [InlineData("helsinki-districts/osa_alueet.geojson", null, 148)]
    [InlineData("helsinki-districts/pienalueet.geojson", null, 404)]
    [InlineData("helsinki-districts/Helsinki_borders.shp", null, 1)]
    [InlineData("helsinki-districts/Major_districts.gpkg", null, 23)]
    [InlineData("helsinki-kamppi-osm/Kamppi_buildings.gpkg", null, 455)]
    [InlineData("helsinki-kamppi-osm/Kamppi_parks.gpkg", null, 13)]
    [InlineData("helsinki-kamppi-osm/Kamppi_roads.gpkg", null, 246)]
    [InlineData(Tests + "fiona/coutwildrnp.shp", null, 67)]
    [InlineData(Tests + "fiona/gre.shp", null, 1)]
    [InlineData(Tests + "fiona/!test.geojson", null, 1)]
    [InlineData(Tests + "fiona/issue627.geojson", null, 3)]
    [InlineData(Tests + "fiona/test_tz.geojson", null, 1)]
    [InlineData(Tests + "fiona/curves_line.csv", null, 9)]
    [InlineData(Tests + "fiona/test_tin.csv", null, 3)]
    [InlineData(Tests + "pyshp/latin1.shp", null, 1)]
    [InlineData(Tests + "pyshp/corrupt_too_long.shp", null, 10)]
    [InlineData(Tests + "pyshp/blockgroups.zip", null, 663)]
    [InlineData(Tests + "pyshp/REL.zip", null, 1)]
    [InlineData(Tests + "shapefile-js/codepage.shp", null, 2)]
    [InlineData(Tests + "shapefile-js/codepage.zip", null, 2)]
    [InlineData(Tests + "shapefile-js/utf.shp", null, 2)]
    [InlineData(Tests + "shapefile-js/htmlprj.shp", null, 2)]
    [InlineData(Tests + "shapefile-js/ipra_dresden_polygon.shp", null, 1)]
    [InlineData(Tests + "shapefile-js/LGA_2013_AUST.shp", null, 13)]
    [InlineData(Tests + "shapefile-js/export_multipointz.shp", null, 1)]
    [InlineData(Tests + "shapefile-js/export_polylinez.shp", null, 1)]
    [InlineData(Tests + "shapefile-js/qgis.zip", null, 2)]
    [InlineData(Tests + "shapefile-js/SHP_Exclude.zip", null, 1)]
    [InlineData(Tests + "shapefile-js/T8Th4_6n.zip", null, 1)]
    [InlineData(Tests + "shapefile-js/train_stations.zip", null, 361)]
    [InlineData(Tests + "shapefile-js/zero-len-line.zip", null, 3)]
    [InlineData(Tests + "nts-esri/arcmap/point_zm.shp", null, 16)]
    [InlineData(Tests + "nts-esri/arcmap/multipoint_m.shp", null, 2)]
    [InlineData(Tests + "nts-esri/arcmap/polygon_zm.shp", null, 2)]
    [InlineData(Tests + "nts-esri/arcmap/polyline_m.shp", null, 2)]
    [InlineData(Tests + "nts-esri/arcmap/pt_date.shp", null, 3)]
    [InlineData(Tests + "nts-esri/arcmap/pt_utf8.shp", null, 4)]
    [InlineData(Tests + "nts-esri/arcmap/fields_utf8.shp", null, 4)]
    [InlineData(Tests + "nts-esri/TestShapefiles/chinese_encoding.shp", null, 78)]
    [InlineData(Tests + "nts-esri/TestShapefiles/Sept_polygones.shp", null, 12)]
    [InlineData(Tests + "nts-esri/TestShapefiles/afvalbakken.shp", null, 26)]
    [InlineData(Tests + "nts-esri/TestShapefiles/nested_polygons.shp", null, 1)]
    [InlineData(Tests + "nts-esri/TestShapefiles/AllNulls.shp", null, 1)]
    [InlineData(Tests + "nts-esri/TestShapefiles/__emptyShapefile.shp", null, 0)]
    [InlineData(Tests + "nts-esri/TestShapefiles/UnifiedChecksMaterial.shp", null, 2)]
    [InlineData(Tests + "nts-esri/TestShapefiles/line_ed50_geo.shp", null, 2)]
    [InlineData(Tests + "nts-esri/TestShapefiles/Line.shp", null, 80)]
    [InlineData(Tests + "nts-esri/TestShapefiles/WallaceMonument.zip", null, 1)]
    [InlineData(Tests + "nts-esri/TestShapefiles/countries_pg.shp", null, 257)]
    [InlineData(Tests + "nts-esri/TestShapefiles/crustal_test_bugged.shp", null, 19)]
    [InlineData(Tests + "ets-gpkg12/gdal_sample.gpkg", "polygon2d", 2)]
    [InlineData(Tests + "ets-gpkg12/gdal_sample.gpkg", "geomcollection3d", 5)]
    [InlineData(Tests + "ets-gpkg12/gdal_sample_v1.2_spi_nonlinear_webp_elevation.gpkg", "curvepolygon", 1)]
    [InlineData(Tests + "ets-gpkg12/null_geometry.gpkg", "new_geopackage", 3)]
    [InlineData(Tests + "ets-gpkg12/features-0.gpkg", null, 51)]
    [InlineData(Tests + "ets-gpkg12/states10.gpkg", null, 51)]
    [InlineData(Tests + "ets-gpkg12/simple_sewer_features.gpkg", "s_manhole", 69)]
    [InlineData(Tests + "ets-gpkg12/simple_sewer_features.gpkg", "foul_sewer", 82)]
    [InlineData(Tests + "ets-gpkg12/gpkg-test-5208.gpkg", null, 6)]
    [InlineData(Tests + "ets-gpkg12/v12_bad_attributes.gpkg", null, 2)]
    [InlineData(Tests + "geopackage-js/multipleholes.gpkg", null, 1)]
    [InlineData(Tests + "geopackage-js/multi.gpkg", null, 1)]
    [InlineData(Tests + "geopackage-js/multipoint.gpkg", null, 1)]
    [InlineData(Tests + "geopackage-js/geometrycollection.gpkg", null, 1)]
    [InlineData(Tests + "geopackage-js/test_shapes_two_points.gpkg", null, 5)]
    [InlineData(Tests + "pyogrio/curve.gpkg", null, 1)]
    [InlineData(Tests + "pyogrio/curvepolygon.gpkg", null, 1)]
    [InlineData(Tests + "pyogrio/multisurface.gpkg", null, 1)]
    [InlineData(Tests + "pyogrio/line_zm.gpkg", null, 1)]
    [InlineData(Tests + "pyogrio/test_gpkg_nulls.gpkg", null, 4)]
    public void Reads_every_feature_in_2d(string file, string? table, int count)
    {
        var features = Read(file, table, out _);

        features.Count.ShouldBe(count);
        features.Select(f => f.Number).ShouldBe(Enumerable.Range(1, count).Select(i => (long)i));
        features.Where(f => f.Geometry is not null).ShouldAllBe(f => f.Geometry!.Coordinates.All(c => double.IsNaN(c.Z)));
    }

    [SharedDataFact]
    public void Helsinki_districts_keep_their_names_and_lon_lat()
    {
        var districts = Read("helsinki-districts/kaupunginosat.geojson", null, out var crs);
        crs.ShouldBe(SourceCrs.FromEpsg(4326));
        districts[0].Attributes["nimi_fi"].ShouldBe("LÄNSISATAMA");
        districts[0].Attributes["nimi_se"].ShouldBe("VÄSTRA HAMNEN");
        districts[0].Attributes["id"].ShouldBe(111522L);
        districts[0].Geometry!.Coordinates[0].ShouldBe(new Coordinate(24.935999994308474, 60.155368511086031));

        var parts = Read("helsinki-districts/osa_alueet.geojson", null, out _);
        parts.ShouldContain(f => (string?)f.Attributes["nimi_fi"] == "Itäkeskus" && (string?)f.Attributes["nimi_se"] == "Östra centrum");

        // SOURCE.txt: three polygons that GEOS finds invalid; they are read as they are, for validation to report.
        Read("helsinki-districts/pienalueet.geojson", null, out _).Count(f => !f.Geometry!.IsValid).ShouldBe(3);
    }

    [SharedDataFact]
    public void Helsinki_border_is_read_in_latin1_with_its_prj()
    {
        var border = Read("helsinki-districts/Helsinki_borders.shp", null, out var crs).Single();
        crs!.Wkt!.ShouldStartWith("PROJCS[\"EUREF_FIN_TM35FIN\"");
        border.Attributes["NAMESWE"].ShouldBe("Helsingfors");
        border.Geometry!.Coordinates[0].ShouldBe(new Coordinate(399936.363, 6684600.244));
    }

    [SharedDataFact]
    public void Kamppi_buildings_keep_the_stray_point_and_the_holes()
    {
        var buildings = Read("helsinki-kamppi-osm/Kamppi_buildings.gpkg", null, out var crs);
        crs.ShouldBe(SourceCrs.FromEpsg(3067));
        buildings.Count(b => b.Geometry is Point).ShouldBe(1);
        buildings.Count(b => b.Geometry is Polygon { NumInteriorRings: > 0 }).ShouldBe(34);
        buildings[0].Attributes["name"].ShouldBe("Nice Bike Pyörähuolto");

        var districts = Read("helsinki-districts/Major_districts.gpkg", null, out var wgs84);
        wgs84.ShouldBe(SourceCrs.FromEpsg(4326));
        districts.ShouldAllBe(d => d.Geometry is Polygon);
    }

    [SharedDataTheory]
    [InlineData("shapefile-js/codepage.shp", 2, "field", "Hněvošický háj")] // .cpg "ANSI 1250"
    [InlineData("shapefile-js/utf.shp", 1, "field", "💩")] // .cpg UTF-8
    [InlineData("pyshp/latin1.shp", 1, "Name", "Ñandú")] // no .cpg, language driver 0: Windows-1252; and no .shx
    [InlineData("nts-esri/TestShapefiles/chinese_encoding.shp", 1, "PRO_NAME", "安徽")] // language driver 0x4D: GBK
    [InlineData("nts-esri/TestShapefiles/Sept_polygones.shp", 1, "NM_SOURC", "Plan du cadastre du Québec")] // 0x57, no .shx
    [InlineData("nts-esri/arcmap/polygon_zm.shp", 1, "text", "ABCąbć")]
    [InlineData("fiona/coutwildrnp.shp", 1, "NAME", "Mount Naomi Wilderness")] // .cpg ISO-8859-1
    public void Decodes_dbf_text_in_its_code_page(string file, int number, string field, string expected)
    {
        Read(Tests + file, null, out _).Single(f => f.Number == number).Attributes[field].ShouldBe(expected);
    }

    [SharedDataFact]
    public void Cyrillic_and_tamil_names_come_through_utf8()
    {
        var grenada = Read(Tests + "fiona/gre.shp", null, out _).Single();
        grenada.Attributes["name_ru"].ShouldBe("Гренада");
        grenada.Attributes["name_ta"].ShouldBe("கிரெனடா");
    }

    [SharedDataFact]
    public void Null_shapes_dates_and_unreadable_curves_are_reported_per_feature()
    {
        Read(Tests + "shapefile-js/LGA_2013_AUST.shp", null, out _).Count(f => f.Geometry is null).ShouldBe(12);
        Read(Tests + "shapefile-js/zero-len-line.zip", null, out _).Count(f => f.Geometry is null).ShouldBe(1);
        Read(Tests + "nts-esri/arcmap/pt_date.shp", null, out _)[1].Attributes["date"].ShouldBe(new DateTime(2021, 1, 15));
        Read(Tests + "ets-gpkg12/null_geometry.gpkg", "new_geopackage", out _).Count(f => f.Geometry is null).ShouldBe(2);

        foreach (var (file, type) in new[] { ("curve", "CompoundCurve"), ("curvepolygon", "CurvePolygon"), ("multisurface", "MultiSurface") })
        {
            var curve = Read(Tests + $"pyogrio/{file}.gpkg", null, out _).Single();
            curve.Geometry.ShouldBeNull();
            curve.GeometryError!.ShouldContain(type);
        }
        var csv = Read(Tests + "fiona/curves_line.csv", null, out _);
        csv.Count(f => f.GeometryError is not null).ShouldBe(4);
        csv.First(f => f.GeometryError is not null).GeometryError!.ShouldContain("column \"WKT\"");
    }

    [SharedDataFact]
    public void A_fid_declared_as_a_table_constraint_reads_as_its_rowid()
    {
        // multi.gpkg: PRIMARY KEY("id" AUTOINCREMENT) after the columns, and the one row has rowid 0.
        Read(Tests + "geopackage-js/multi.gpkg", null, out _).Single().Attributes["id"].ShouldBe(0L);
    }

    [SharedDataTheory]
    [InlineData("shapefile-js/htmlcpg.shp", null, "does not name a code page")]
    [InlineData("shapefile-js/no-dbf.shp", null, "has no .dbf")]
    [InlineData("shapefile-js/bad.shp", null, "not a shapefile")]
    [InlineData("shapefile-js/badzip.zip", null, "not a readable zip file")]
    [InlineData("shapefile-js/noshp.zip", null, "the zip holds no .shp (it holds: counties.dbf")]
    [InlineData("pyshp/empty_zipfile.zip", null, "the zip holds no .shp")]
    [InlineData("pyshp/blockgroups_multishapefile.zip", null, "holds 2 shapefiles")]
    [InlineData("fiona/test_tin.shp", null, "MultiPatch")]
    [InlineData("fiona/testopenfilegdb.gdb.zip", null, "has 37 layers; name one with --source-layer")]
    [InlineData("fiona/testopenfilegdb.gdb.zip", "Polygon", "has no layer \"Polygon\" (did you mean \"polygon\"?)")]
    [InlineData("nts-esri/TestShapefiles/shape_PointZM.shp", null, "has no .dbf")]
    [InlineData("nts-esri/TestShapefiles/EmptyShapeFile.shp", null, "has no .dbf")]
    [InlineData("nts-esri/TestShapefiles/polygon_ed50_geo.shp", null, "has no .dbf")]
    [InlineData("ets-gpkg12/empty.gpkg", null, "has no feature table")]
    [InlineData("geopackage-js/attributes.gpkg", null, "has no feature table (its contents: attributes (attributes))")]
    [InlineData("geopackage-js/3857.gpkg", null, "has no feature table (its contents: imagery (tiles))")]
    [InlineData("ets-gpkg12/gdal_sample.gpkg", null, "has 16 feature tables: point2d, linestring2d")]
    [InlineData("ets-gpkg12/null_geometry.gpkg", "nulls", "has no feature table \"nulls\"; its feature tables are: new_geopackage, PointExamples")]
    public void Refuses_what_it_cannot_read_and_says_why(string file, string? table, string reason)
    {
        var error = Should.Throw<SourceFormatException>(() => Read(Tests + file, table, out _));
        error.Message.ShouldContain(reason);
        error.Message.ShouldContain(Path.GetFileNameWithoutExtension(file));
    }

    internal static List<SourceFeature> Read(string file, string? table, out SourceCrs? crs)
    {
        using var source = FeatureSources.Open(TestFiles.Shared(file), new SourceOptions { Table = table });
        crs = source.Crs;
        var features = source.ReadFeatures(CancellationToken.None).ToList();
        source.Progress!.Value.ShouldBe(1.0, 1e-9, "progress ends at 1");
        return features;
    }
}

/// <summary>The CRS of real files, identified with the catalog of a real PostGIS, or refused with the reason.</summary>
public sealed class SharedDataCrsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [SharedDataTheory]
    [InlineData("helsinki-districts/Helsinki_borders.shp", null, 3067)]
    [InlineData("helsinki-districts/kaupunginosat.geojson", null, 4326)]
    [InlineData("helsinki-kamppi-osm/Kamppi_roads.gpkg", null, 3067)]
    [InlineData("importer-testdata/fiona/coutwildrnp.shp", null, 4326)]
    [InlineData("importer-testdata/nts-esri/arcmap/polygon.shp", null, 3857)]
    [InlineData("importer-testdata/shapefile-js/ipra_dresden_polygon.shp", null, 4326)]
    [InlineData("importer-testdata/shapefile-js/LGA_2013_AUST.shp", null, 4283)] // GCS_GDA_1994, an ESRI .prj
    [InlineData("importer-testdata/pyshp/REL.zip", null, 31287)] // MGI_Austria_Lambert
    [InlineData("importer-testdata/shapefile-js/train_stations.zip", null, 26986)] // NAD83 / Massachusetts Mainland
    [InlineData("importer-testdata/nts-esri/TestShapefiles/Line.shp", null, 25830)]
    [InlineData("importer-testdata/ets-gpkg12/simple_sewer_features.gpkg", "s_manhole", 27700)]
    public async Task Identifies_the_crs_files_declare(string file, string? table, int epsg)
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        using var source = FeatureSources.Open(TestFiles.Shared(file), new SourceOptions { Table = table });
        (await catalog.IdentifyAsync(source.Crs!, CancellationToken.None)).ShouldBe(epsg);
    }

    [SharedDataFact]
    public async Task Refuses_a_prj_that_is_not_wkt()
    {
        var catalog = await CrsCatalog.LoadAsync(fixture.Database.DataSource, CancellationToken.None);
        using var source = FeatureSources.Open(TestFiles.Shared("importer-testdata/shapefile-js/htmlprj.shp"), new SourceOptions());
        (await Should.ThrowAsync<CrsException>(() => catalog.IdentifyAsync(source.Crs!, CancellationToken.None))).Message.ShouldContain("not WKT");
    }
}

using System.Globalization;
using System.Text;
using DigitalTwin.Importers.Sources;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Tests.Sources;

public sealed class GeoJsonSourceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("geojson-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Reads_a_feature_collection_with_typed_properties()
    {
        var features = Read("""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"k-1","properties":{"nimi":"Kallio","pinta_ala":1.5,"numero":11,"aktiivinen":true,"huom":null,
                "osat":["a","b"],"meta":{"lähde":"Kami"}},
               "geometry":{"type":"Polygon","coordinates":[[[24.9,60.1],[25.0,60.1],[25.0,60.2],[24.9,60.1]]]}},
              {"type":"Feature","properties":{"nimi":"Töölö","id":7},"geometry":{"type":"Point","coordinates":[24.91,60.18,12.5]}}
            ]}
            """, out var crs);

        crs.ShouldBe(SourceCrs.FromEpsg(4326));
        features.Count.ShouldBe(2);
        var first = features[0];
        first.Number.ShouldBe(1);
        first.Geometry.ShouldBeOfType<Polygon>().NumPoints.ShouldBe(4);
        first.Attributes["nimi"].ShouldBe("Kallio");
        first.Attributes["pinta_ala"].ShouldBe(1.5);
        first.Attributes["numero"].ShouldBe(11L);
        first.Attributes["aktiivinen"].ShouldBe(true);
        first.Attributes["huom"].ShouldBeNull();
        first.Attributes["osat"].ShouldBe("""["a","b"]""");
        first.Attributes["meta"].ShouldBe("""{"lähde":"Kami"}""");
        first.Attributes["id"].ShouldBe("k-1");

        var second = features[1];
        second.Attributes["nimi"].ShouldBe("Töölö");
        second.Attributes["id"].ShouldBe(7L, "a property named id wins over the feature's id member");
        var point = second.Geometry.ShouldBeOfType<Point>();
        (point.X, point.Y).ShouldBe((24.91, 60.18));
        double.IsNaN(point.Coordinate.Z).ShouldBeTrue("Z is dropped");
    }

    [Theory]
    [InlineData("EPSG:3879", 3879)]
    [InlineData("urn:ogc:def:crs:EPSG::3879", 3879)]
    [InlineData("urn:ogc:def:crs:OGC:1.3:CRS84", 4326)]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3067", 3067)]
    public void Honours_a_legacy_crs_member(string name, int epsg)
    {
        var features = Read($$$"""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"{{{name}}}"}},
             "features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[25496000.5,6672000.25]}}]}
            """, out var crs);

        crs.ShouldBe(SourceCrs.FromEpsg(epsg));
        features.Single().Geometry!.SRID.ShouldBe(epsg);
    }

    [Fact]
    public void Finds_a_crs_member_that_comes_after_the_features()
    {
        var features = Read("""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[25496000,6672000]}}],
             "crs":{"type":"name","properties":{"name":"EPSG:3879"}}}
            """, out var crs);

        crs.ShouldBe(SourceCrs.FromEpsg(3879));
        features.Single().Attributes["a"].ShouldBe(1L);
    }

    [Fact]
    public void Rejects_a_crs_member_it_cannot_name()
    {
        var error = Should.Throw<SourceFormatException>(() => Read("""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"KKJ"}},"features":[]}
            """, out _));
        error.Message.ShouldContain("\"KKJ\"");
    }

    [Fact]
    public void Reads_a_single_feature_and_a_bare_geometry()
    {
        var feature = Read("""{"type":"Feature","properties":{"n":"x"},"geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}}""", out _).Single();
        feature.Geometry.ShouldBeOfType<LineString>();
        feature.Attributes["n"].ShouldBe("x");

        var bare = Read("""{"coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]],"type":"MultiPolygon"}""", out _).Single();
        bare.Geometry.ShouldBeOfType<MultiPolygon>();
        bare.Attributes.ShouldBeEmpty();
    }

    [Fact]
    public void Reports_unreadable_geometries_and_goes_on()
    {
        var features = Read("""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}},
              {"type":"Feature","properties":{"n":2},"geometry":{"type":"Circle","coordinates":[0,0],"radius":5}},
              {"type":"Feature","properties":{"n":3},"geometry":{"type":"Point","coordinates":[0,"north"]}},
              {"type":"Feature","properties":{"n":4},"geometry":{"type":"Polygon","coordinates":[[0,0],[1,1]]}},
              {"type":"Feature","properties":{"n":5},"geometry":null},
              {"type":"Feature","properties":{"n":6},"geometry":{"type":"Point","coordinates":[]}},
              {"type":"Feature","properties":{"n":7},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}}
            ]}
            """, out _);

        features.Select(f => f.Attributes["n"]).ShouldBe([1L, 2L, 3L, 4L, 5L, 6L, 7L]);
        features[0].GeometryError!.ShouldContain("at least 4");
        features[1].GeometryError!.ShouldContain("\"Circle\"");
        features[2].GeometryError!.ShouldContain("numbers");
        features[3].GeometryError!.ShouldContain("Polygon");
        features.Take(4).ShouldAllBe(f => f.Geometry == null);
        features[4].Geometry.ShouldBeNull();
        features[4].GeometryError.ShouldBeNull();
        features[5].Geometry.ShouldBeNull();
        features[5].GeometryError.ShouldBeNull();
        features[6].Geometry.ShouldBeOfType<GeometryCollection>();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Names_the_feature_byte_and_line_of_malformed_json(bool crsFirst)
    {
        // With the crs first, the error is met while reading features; without, already by the first pass that looks for it.
        var crs = crsFirst ? "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3879\"}}," : "";
        var path = Write($$"""
            {"type":"FeatureCollection",{{crs}}"features":[
            {"type":"Feature","properties":{"n":1},"geometry":null},
            {"type":"Feature","properties":{"n":2,},"geometry":null}
            ]}
            """);

        var error = Should.Throw<SourceFormatException>(() =>
        {
            using var source = GeoJsonSource.Open(path);
            return source.ReadFeatures(CancellationToken.None).ToList();
        });

        error.Message.ShouldContain(path);
        error.Message.ShouldContain("feature 2");
        error.Message.ShouldContain("line 3");
        error.Message.ShouldContain("byte ");
    }

    [Fact]
    public void Rejects_a_truncated_file()
    {
        var error = Should.Throw<SourceFormatException>(() => Read("""
            {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3879"}},"features":[
            {"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[1,
            """, out _));
        error.Message.ShouldContain("ends in the middle");
    }

    [Fact]
    public void Rejects_json_that_is_not_geojson()
    {
        Should.Throw<SourceFormatException>(() => Read("""[1,2,3]""", out _)).Message.ShouldContain("not GeoJSON");
        Should.Throw<SourceFormatException>(() => Read("""{"type":"Topology","objects":{}}""", out _)).Message.ShouldContain("Topology");
    }

    [Fact]
    public void Reads_features_larger_than_the_read_window()
    {
        // A polygon of 200,000 points is several MB: the window must grow to hold it, then go on.
        var ring = string.Join(",", Enumerable.Range(0, 200_000).Select(i =>
        {
            var a = 2 * Math.PI * i / 200_000;
            return string.Create(CultureInfo.InvariantCulture, $"[{Math.Cos(a):R},{Math.Sin(a):R}]");
        }));
        var text = "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"n\":1},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[" +
                   ring + ",[1,0]]]}},{\"type\":\"Feature\",\"properties\":{\"n\":2},\"geometry\":null}]}";

        var features = Read(text, out _);

        features.Count.ShouldBe(2);
        features[0].Geometry!.NumPoints.ShouldBe(200_001);
        features[1].Attributes["n"].ShouldBe(2L);
    }

    [Fact]
    public void Streams_many_features_quickly_with_progress()
    {
        const int count = 100_000;
        var path = Path.Combine(directory, "many.geojson");
        WriteParcels(path, count);

        using var source = GeoJsonSource.Open(path);
        long seen = 0;
        double lastProgress = 0;
        foreach (var feature in source.ReadFeatures(CancellationToken.None))
        {
            seen++;
            if (seen % 10_000 == 0)
            {
                source.Progress!.Value.ShouldBeGreaterThanOrEqualTo(lastProgress);
                lastProgress = source.Progress.Value;
            }
        }
        seen.ShouldBe(count);
        source.Progress!.Value.ShouldBe(1.0, 0.001);
        // How fast is for ./twin bench import, side by side with ogr2ogr on the same machine, not for a test's clock.
    }

    [Fact]
    public void The_fields_are_the_union_over_every_feature_with_how_many_have_each()
    {
        using var source = GeoJsonSource.Open(Write("""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"id":1,"typ":"park"},"geometry":null},
              {"type":"Feature","properties":{"id":2,"namn":"Bärbyn"},"geometry":null},
              {"type":"Feature","properties":{"id":3,"typ":null,"namn":"Åkeshov","x":{"a":[1]}},"geometry":null}
            ]}
            """));

        source.Fields.ShouldBe([new SourceField("id", 3), new SourceField("typ", 2), new SourceField("namn", 2), new SourceField("x", 1)]);
        source.ReadFeatures(CancellationToken.None).ToList()[1].Attributes["namn"].ShouldBe("Bärbyn");
    }

    [Fact]
    public void A_field_only_the_last_feature_has_is_found_past_the_first_window()
    {
        var path = Path.Combine(directory, "late-field.geojson");
        using (var writer = new StreamWriter(path, false, new UTF8Encoding(false)))
        {
            writer.Write("{\"type\":\"FeatureCollection\",\"features\":[");
            for (var i = 1; i <= 30_000; i++)
            {
                var late = i == 30_000 ? ",\"sent\":\"ja\"" : "";
                writer.Write($"{(i > 1 ? "," : "")}{{\"type\":\"Feature\",\"properties\":{{\"id\":{i}{late}}},\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{i},1]}}}}\n");
            }
            writer.Write("]}");
        }
        new FileInfo(path).Length.ShouldBeGreaterThan(2 << 20, "more than the cursor's first window");

        using var source = GeoJsonSource.Open(path);
        source.Fields.ShouldBe([new SourceField("id", 30_000), new SourceField("sent", 1)]);
        source.ReadFeatures(CancellationToken.None).Last().Attributes["sent"].ShouldBe("ja");
    }

    [Fact]
    public void An_integer_past_two_to_the_53_keeps_every_digit()
    {
        var feature = Read("""{"type":"Feature","properties":{"osm_id":9007199254740993,"area":12.5},"geometry":null}""", out _).Single();
        feature.Attributes["osm_id"].ShouldBeOfType<long>().ShouldBe(9007199254740993L);
        feature.Attributes["area"].ShouldBeOfType<double>().ShouldBe(12.5);
    }

    [Fact]
    public void Nothing_of_a_feature_is_dropped_without_a_word()
    {
        using var source = GeoJsonSource.Open(Write("""
            {"type":"FeatureCollection","features":[
              {"type":"Feature","id":"f1","properties":{"id":7,"n":"first","n":"second"},"title":"Park","geometry":null},
              {"type":"Feature","id":"f2","properties":{"n":"only"},"bbox":[0,0,1,1],"geometry":null},
              {"type":"Feature","properties":[1,2],"geometry":null}
            ]}
            """));
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        // The feature's own id beside an id property, and the second of two values under one name, each keep a name.
        features[0].Attributes.ShouldBe(new Dictionary<string, object?> { ["id"] = 7L, ["n"] = "first", ["n_2"] = "second", ["@id"] = "f1" });
        features[1].Attributes.ShouldBe(new Dictionary<string, object?> { ["n"] = "only", ["id"] = "f2" });
        source.Fields.Select(f => (f.Name, f.Features, f.Ignored is null)).ShouldBe(
            [("id", 2L, true), ("n", 2L, true), ("n_2", 1L, true), ("@id", 1L, true), ("title", 1L, false), ("properties", 1L, false)]);
        source.Fields.Single(f => f.Name == "n_2").Origin.ShouldBe("a second \"n\" in the properties of a feature");
        source.Fields.Single(f => f.Name == "title").Ignored.ShouldBe("a member of the feature outside its \"properties\"");
        source.Fields.Single(f => f.Name == "properties").Ignored.ShouldBe("\"properties\" is not a JSON object");
    }

    /// <summary>Writes <paramref name="count"/> small square parcels, as a municipal export would.</summary>
    internal static void WriteParcels(string path, int count)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.Write("{\"type\":\"FeatureCollection\",\"features\":[\n");
        for (var i = 0; i < count; i++)
        {
            var x = 25490000.0 + i % 1000 * 20;
            var y = 6670000.0 + i / 1000 * 20;
            if (i > 0) writer.Write(",\n");
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{{\"type\":\"Feature\",\"properties\":{{\"kiinteistotunnus\":\"091-{i:D9}\",\"omistaja\":\"Helsingin kaupunki\",\"pinta_ala\":{i % 900 + 100.5}}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{x},{y}],[{x + 18},{y}],[{x + 18},{y + 18}],[{x},{y + 18}],[{x},{y}]]]}}}}"));
        }
        writer.Write("\n],\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"EPSG:3879\"}}}\n");
    }

    private List<SourceFeature> Read(string json, out SourceCrs crs)
    {
        using var source = GeoJsonSource.Open(Write(json));
        crs = source.Crs;
        return source.ReadFeatures(CancellationToken.None).ToList();
    }

    private string Write(string json)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.geojson");
        File.WriteAllText(path, json, new UTF8Encoding(false));
        return path;
    }
}

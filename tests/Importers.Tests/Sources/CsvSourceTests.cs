using System.Text;
using DigitalTwin.Importers.Sources;
using NetTopologySuite.Geometries;

namespace DigitalTwin.Importers.Tests.Sources;

public sealed class CsvSourceTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("csv-tests-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Reads_quoted_fields_with_delimiters_quotes_and_line_breaks()
    {
        var path = Write("id,nimi,kuvaus,wkt\r\n" +
                         "1,\"Kallio, Helsinki\",\"sanoi \"\"hei\"\"\",POINT (25496000 6673000)\r\n" +
                         "2,Töölö,\"kaksi\nriviä\",\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"\r\n", Encoding.UTF8);
        using var source = CsvSource.Open(path);
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        source.Crs.ShouldBeNull();
        source.GeometryColumns.ShouldBe("wkt");
        features.Count.ShouldBe(2);
        features[0].Attributes["nimi"].ShouldBe("Kallio, Helsinki");
        features[0].Attributes["kuvaus"].ShouldBe("sanoi \"hei\"");
        features[0].Geometry.ShouldBeOfType<Point>().X.ShouldBe(25496000);
        features[1].Attributes["kuvaus"].ShouldBe("kaksi\nriviä");
        features[1].Geometry.ShouldBeOfType<Polygon>();
    }

    [Fact]
    public void A_repeated_or_blank_header_name_loses_no_column()
    {
        var path = Write("id, name ,name,,wkt\n1,Bärbyn,Bärby,x,POINT (1 2)\n", Encoding.UTF8);
        using var source = CsvSource.Open(path);
        var feature = source.ReadFeatures(CancellationToken.None).Single();

        source.Fields.Select(f => f.Name).ShouldBe(["id", "name", "name_2", "column_4", "wkt"]);
        source.Fields[2].Origin.ShouldBe("column 3 repeats the name \"name\"");
        source.Fields[3].Origin.ShouldBe("column 4 has no name");
        feature.Attributes["name"].ShouldBe("Bärbyn");
        feature.Attributes["name_2"].ShouldBe("Bärby");
        feature.Attributes["column_4"].ShouldBe("x");
    }

    [Theory]
    [InlineData(';')]
    [InlineData('\t')]
    public void Detects_the_delimiter_from_the_header(char delimiter)
    {
        var path = Write($"Nimi{delimiter}E{delimiter}N\nSödermalm{delimiter}674032,5{delimiter}6579430,25\n", Encoding.UTF8);
        using var source = CsvSource.Open(path);
        var feature = source.ReadFeatures(CancellationToken.None).Single();

        source.Delimiter.ShouldBe(delimiter);
        source.GeometryColumns.ShouldBe("E/N");
        var point = feature.Geometry.ShouldBeOfType<Point>();
        (point.X, point.Y).ShouldBe((674032.5, 6579430.25), "a decimal comma is read as a spreadsheet writes it");
    }

    [Fact]
    public void Reads_the_encoding_it_is_told_and_a_byte_order_mark_by_itself()
    {
        var latin1 = Write("nimi,lon,lat\nÄänekoski,25.72,62.6\n", Encoding.Latin1);
        using (var source = CsvSource.Open(latin1, new SourceOptions { Encoding = "ISO-8859-1" }))
            source.ReadFeatures(CancellationToken.None).Single().Attributes["nimi"].ShouldBe("Äänekoski");

        var bom = Write("nimi,lon,lat\nÄänekoski,25.72,62.6\n", new UTF8Encoding(true));
        using (var source = CsvSource.Open(bom))
        {
            source.Columns[0].ShouldBe("nimi", "the BOM is not part of the first column's name");
            source.ReadFeatures(CancellationToken.None).Single().Attributes["nimi"].ShouldBe("Äänekoski");
        }
    }

    [Fact]
    public void Uses_the_columns_it_is_given()
    {
        var path = Write("tunnus,itä,pohjoinen,alue\n7,25496000,6673000,POINT (1 2)\n", Encoding.UTF8);
        using var source = CsvSource.Open(path, new SourceOptions { XColumn = "ITÄ", YColumn = "pohjoinen" });
        source.ReadFeatures(CancellationToken.None).Single().Geometry.ShouldBeOfType<Point>().Y.ShouldBe(6673000);

        using var byWkt = CsvSource.Open(path, new SourceOptions { WktColumn = "alue" });
        byWkt.ReadFeatures(CancellationToken.None).Single().Geometry.ShouldBeOfType<Point>().X.ShouldBe(1);

        Should.Throw<SourceFormatException>(() => CsvSource.Open(path, new SourceOptions { WktColumn = "geom" }))
            .Message.ShouldContain("the WKT column \"geom\" is not in the header (tunnus, itä, pohjoinen, alue)");
    }

    [Fact]
    public void Names_the_column_of_unreadable_geometry_and_goes_on()
    {
        var path = Write("id,geometry\n1,\"CIRCULARSTRING (0 0, 1 1, 2 0)\"\n2,\n3,POINT Z (1 2 3)\n", Encoding.UTF8);
        using var source = CsvSource.Open(path);
        var features = source.ReadFeatures(CancellationToken.None).ToList();

        features[0].GeometryError!.ShouldContain("column \"geometry\"");
        features[1].Geometry.ShouldBeNull();
        features[1].GeometryError.ShouldBeNull();
        var point = features[2].Geometry.ShouldBeOfType<Point>();
        double.IsNaN(point.Coordinate.Z).ShouldBeTrue("Z is dropped");
    }

    [Fact]
    public void Refuses_files_without_a_geometry_column_or_with_broken_rows()
    {
        Should.Throw<SourceFormatException>(() => CsvSource.Open(Write("id,name\n1,a\n", Encoding.UTF8)))
            .Message.ShouldContain("no geometry column found among id, name");

        using var source = CsvSource.Open(Write("id,x,y\n1,2,3\n2,\"4,5\n", Encoding.UTF8));
        Should.Throw<SourceFormatException>(() => source.ReadFeatures(CancellationToken.None).ToList())
            .Message.ShouldContain("the quote opened on line 3 is never closed");
    }

    [Fact]
    public void Reads_a_plain_table_when_told_there_is_no_geometry()
    {
        using var source = CsvSource.Open(Write("key,name\nhki-rakyv,Helsingin kaupunki\n", Encoding.UTF8), new SourceOptions { NoGeometry = true });
        var feature = source.ReadFeatures(CancellationToken.None).Single();
        feature.Geometry.ShouldBeNull();
        feature.GeometryError.ShouldBeNull();
        feature.Attributes["name"].ShouldBe("Helsingin kaupunki");
    }

    private string Write(string text, Encoding encoding)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, text, encoding);
        return path;
    }
}

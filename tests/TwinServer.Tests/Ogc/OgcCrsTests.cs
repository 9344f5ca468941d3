using System.Diagnostics;
using DigitalTwin.Server.Ogc;

namespace DigitalTwin.Server.Tests.Ogc;

/// <summary>The CRS table of the OGC API against the EPSG registry as GDAL's PROJ database has it.</summary>
public sealed class OgcCrsTests
{
    [Fact]
    public void Every_served_crs_has_the_axis_order_the_EPSG_registry_gives_it()
    {
        foreach (var crs in OgcCrs.All.Where(c => c.Uri != OgcCrs.Crs84Uri))
        {
            var wkt = Run("gdalsrsinfo", "-o", "wkt2", $"EPSG:{crs.Srid}");
            var axes = System.Text.RegularExpressions.Regex.Matches(wkt, "AXIS\\[\"[^\"]*\\((?<abbrev>[^)]*)\\)\"").Select(m => m.Groups["abbrev"].Value).ToList();
            axes.Count.ShouldBe(2, wkt);
            crs.NorthingFirst.ShouldBe(axes[0] is "N" or "Y" or "Lat", $"EPSG:{crs.Srid} axes {string.Join(", ", axes)}");
        }
    }

    [Theory]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/3879", 3879)]
    [InlineData("EPSG:3011", 3011)]
    [InlineData("[EPSG:25832]", 25832)]
    [InlineData("urn:ogc:def:crs:EPSG::3067", 3067)]
    [InlineData("CRS84", 4326)]
    public void A_crs_is_read_by_its_uri_and_the_short_names_people_type(string text, int srid) => OgcCrs.Find(text)!.Srid.ShouldBe(srid);

    [Theory]
    [InlineData("EPSG:2000")]
    [InlineData("EPSG:-1")]
    [InlineData("EPSG: 3879")]
    [InlineData("http://www.opengis.net/def/crs/EPSG/0/")]
    [InlineData("")]
    public void A_crs_not_served_is_none(string text) => OgcCrs.Find(text).ShouldBeNull();

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, process.StandardError.ReadToEnd());
        return output;
    }
}

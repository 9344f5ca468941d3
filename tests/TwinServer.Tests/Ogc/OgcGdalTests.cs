using System.Diagnostics;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.Ogc;

/// <summary>
/// GDAL's own OGC API Features client (the OAPIF driver of ogrinfo and ogr2ogr, which QGIS uses too) reads /ogc on a
/// real loopback port, with the key in GDAL_HTTP_HEADERS as a GIS user would set it.
/// </summary>
public sealed class OgcGdalTests(LoopbackSampleCityServer server) : IClassFixture<LoopbackSampleCityServer>
{
    private async Task<string> GdalAsync(string tool, params string[] arguments)
    {
        var key = await server.IntegrationKeyAsync();
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--config");
        start.ArgumentList.Add("GDAL_HTTP_HEADERS");
        start.ArgumentList.Add($"X-Api-Key: {key}");
        foreach (var a in arguments) start.ArgumentList.Add(a);
        start.Environment["GDAL_HTTP_TIMEOUT"] = "60";
        start.Environment["CPL_DEBUG"] = "OFF";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        process.ExitCode.ShouldBe(0, $"{tool} {string.Join(' ', arguments)}: {await error}");
        return await output;
    }

    private string Source => $"OAPIF:{server.BaseAddress.ToString().TrimEnd('/')}/ogc";

    [Fact]
    public async Task Ogrinfo_lists_every_layer_and_counts_its_features()
    {
        var listing = await GdalAsync("ogrinfo", "-ro", "-so", Source);
        var layers = await server.Database.ScalarAsync<string[]>("SELECT array_agg(name ORDER BY name) FROM layers WHERE current_version IS NOT NULL");
        foreach (var layer in layers) listing.ShouldContain($": {layer} ");

        var summary = await GdalAsync("ogrinfo", "-ro", "-so", Source, "sthlm-streetlights");
        var count = await server.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'sthlm-streetlights'");
        summary.ShouldContain($"Feature Count: {count}");
        summary.ShouldContain("object_id: String");
    }

    [Fact]
    public async Task Ogr2ogr_copies_a_layer_page_by_page_with_coordinates_equal_to_PostGIS_within_a_centimetre()
    {
        // Pages of three: GDAL follows the next links through all of them.
        var copied = JsonDocument.Parse(await GdalAsync("ogr2ogr", "-f", "GeoJSON", "-oo", "PAGE_SIZE=3", "/vsistdout/", Source, "sthlm-streetlights")).RootElement;
        var features = copied.GetProperty("features").EnumerateArray().ToList();
        var expected = await server.Database.ScalarAsync<string[]>("SELECT array_agg(source_id ORDER BY source_id) FROM current_map_objects WHERE layer = 'sthlm-streetlights'");
        features.Select(f => f.GetProperty("properties").GetProperty("object_id").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe(expected.Select(id => $"sthlm-streetlights:{id}"));

        var light = features.First(f => f.GetProperty("properties").GetProperty("object_id").GetString() == $"sthlm-streetlights:{expected[0]}");
        var point = light.GetProperty("geometry").GetProperty("coordinates");
        var lon = await server.Database.ScalarAsync<double>("SELECT ST_X(ST_Transform(geom, 4326)) FROM current_map_objects WHERE layer = 'sthlm-streetlights' AND source_id = $1", expected[0]);
        var lat = await server.Database.ScalarAsync<double>("SELECT ST_Y(ST_Transform(geom, 4326)) FROM current_map_objects WHERE layer = 'sthlm-streetlights' AND source_id = $1", expected[0]);
        // A centimetre is about 1.7e-7 degrees of longitude and 0.9e-7 of latitude at 59°N.
        point[0].GetDouble().ShouldBe(lon, 1.7e-7);
        point[1].GetDouble().ShouldBe(lat, 0.9e-7);
    }

    [Fact]
    public async Task Ogr2ogr_copies_polygons_with_their_source_attributes()
    {
        var copied = JsonDocument.Parse(await GdalAsync("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", Source, "hki-buildings")).RootElement;
        var features = copied.GetProperty("features").EnumerateArray().ToList();
        features.Count.ShouldBe((int)await server.Database.ScalarAsync<long>("SELECT count(*) FROM current_map_objects WHERE layer = 'hki-buildings'"));
        features.ShouldAllBe(f => f.GetProperty("geometry").GetProperty("type").GetString()!.EndsWith("Polygon", StringComparison.Ordinal));
        features.Count(f => f.GetProperty("properties").TryGetProperty("rakennustunnus", out var id) && id.ValueKind == JsonValueKind.String).ShouldBe(features.Count);
        features[0].GetProperty("properties").GetProperty("kind").GetString().ShouldBe("building");
    }
}

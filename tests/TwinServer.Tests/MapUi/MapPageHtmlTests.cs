using System.Net;

namespace DigitalTwin.Server.Tests.MapUi;

/// <summary>The map page's first HTML, rendered on the server before the browser's script runs.</summary>
public sealed class MapPageHtmlTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task The_page_lists_the_loaded_layers_with_their_names_encoded_and_loads_its_scripts()
    {
        await server.Database.ScalarAsync<int>(
            """
            INSERT INTO layers (name, kind) VALUES ('sthlm-parcels', 'parcel'), ('not-loaded-yet', 'building');
            INSERT INTO layer_versions (layer, version, source_file, source_format, source_crs, checksum, feature_count, loaded_by, served)
            VALUES ('sthlm-parcels', 1, '/data/<fastigheter>.gpkg', 'GeoPackage', 'EPSG:3011', 'abc', 1234, 'gis', tstzrange(now(), NULL));
            UPDATE layers SET current_version = (SELECT id FROM layer_versions WHERE layer = 'sthlm-parcels') WHERE name = 'sthlm-parcels';
            """);
        using var client = await server.SignedInClientAsync();
        var html = await client.GetStringAsync("/");
        html.ShouldContain("data-layer=\"sthlm-parcels\"");
        html.ShouldContain("1,234 objects");
        html.ShouldNotContain("not-loaded-yet"); // a layer without a committed import has nothing to draw
        // The map starts from the page before the circuit connects: its element names the module and the layers.
        var map = System.Text.RegularExpressions.Regex.Match(html, "<div class=\"map\"[^>]*>").Value;
        map.ShouldContain("data-early-start");
        WebUtility.HtmlDecode(map).ShouldContain("\"name\":\"sthlm-parcels\"");

        // The files the page asks for, at their fingerprinted addresses: served compressed and cached for good.
        var assets = System.Text.RegularExpressions.Regex.Matches(html, "(?:href|src|data-module)=\"\\.?/?(_content/[^\"]+|_framework/[^\"]+)\"")
            .Select(m => "/" + m.Groups[1].Value).Distinct().ToList();
        foreach (var name in new[] { "mapview", "twin", "blazor.web" })
            assets.ShouldContain(a => System.IO.Path.GetFileName(a).StartsWith(name + ".", StringComparison.Ordinal) && a != $"/_content/TwinUi/{name}.js", $"{name} at a fingerprinted address");
        foreach (var path in assets)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.AcceptEncoding.ParseAdd("gzip, br");
            using var response = await client.SendAsync(request);
            response.IsSuccessStatusCode.ShouldBeTrue(path);
            response.Content.Headers.ContentEncoding.ShouldNotBeEmpty(path);
            response.Headers.CacheControl?.ToString().ShouldContain("immutable", customMessage: path);
            var compressed = await response.Content.ReadAsByteArrayAsync();
            await using var unzip = response.Content.Headers.ContentEncoding.Contains("br")
                ? (System.IO.Stream)new System.IO.Compression.BrotliStream(new System.IO.MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress)
                : new System.IO.Compression.GZipStream(new System.IO.MemoryStream(compressed), System.IO.Compression.CompressionMode.Decompress);
            using var plain = new System.IO.MemoryStream();
            await unzip.CopyToAsync(plain);
            plain.Length.ShouldBeGreaterThan(0, path);
            // The scripts and styles shrink by half or more; a file of a few hundred bytes (the icon) by less.
            if (plain.Length > 1000) compressed.Length.ShouldBeLessThan((int)(plain.Length * 0.6), path);
        }
    }

    [Fact]
    public async Task The_page_speaks_the_language_the_address_asks_for()
    {
        using var client = await server.SignedInClientAsync();
        async Task<string> Text(string path) => WebUtility.HtmlDecode(await client.GetStringAsync(path));
        (await Text("/?lang=fi")).ShouldContain("kuka vastaa tästä?");
        (await Text("/?lang=sv")).ShouldContain("vem ansvarar här?");
        (await Text("/?lang=xx")).ShouldContain("who is responsible here?");
    }
}

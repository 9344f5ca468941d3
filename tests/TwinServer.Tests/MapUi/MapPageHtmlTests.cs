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
        html.ShouldContain("_content/TwinUi/map/mapview.js");
        html.ShouldContain("_framework/blazor.web.js");

        // The files the page asks for are served.
        foreach (var path in new[] { "/_content/TwinUi/map/mapview.js", "/_content/TwinUi/twin.css", "/_framework/blazor.web.js" })
        {
            using var response = await client.GetAsync(path);
            response.IsSuccessStatusCode.ShouldBeTrue(path);
            (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBeGreaterThan(1000, path);
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

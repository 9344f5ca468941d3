namespace DigitalTwin.Server.Tests.Health;

public sealed class HomePageTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task The_home_page_lists_the_loaded_layers_with_their_names_encoded()
    {
        await server.Database.ScalarAsync<int>(
            """
            INSERT INTO layers (name, kind) VALUES ('sthlm-parcels', 'parcel');
            INSERT INTO layer_versions (layer, version, source_file, source_format, source_crs, checksum, feature_count, loaded_by, served)
            VALUES ('sthlm-parcels', 1, '/data/<fastigheter>.gpkg', 'GeoPackage', 'EPSG:3011', 'abc', 10, 'gis', tstzrange(now(), NULL));
            UPDATE layers SET current_version = (SELECT id FROM layer_versions WHERE layer = 'sthlm-parcels');
            """);
        using var client = server.CreateClient();
        var html = await client.GetStringAsync("/");
        html.ShouldContain("<td>sthlm-parcels</td><td>parcel</td><td>1</td><td>10</td><td>EPSG:3011</td>");
        html.ShouldContain("&lt;fastigheter&gt;.gpkg");
    }
}

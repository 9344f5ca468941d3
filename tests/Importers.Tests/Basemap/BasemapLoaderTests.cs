using DigitalTwin.Importers.Basemap;
using DigitalTwin.Testing;

namespace DigitalTwin.Importers.Tests.Basemap;

/// <summary>The basemap's GeoJSON into basemap_features: in place, replaced per file, and a bad file changes nothing.</summary>
public sealed class BasemapLoaderTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>, IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("basemap-").FullName;

    // Each test loads under a source of its own, so that tests run in any order and in parallel.
    private readonly string source = $"test-{Guid.NewGuid():N}.geojson";

    private const string Street = """{ "type": "Feature", "properties": { "class": "street", "name": "Götgatan" }, "geometry": { "type": "LineString", "coordinates": [[18.0764, 59.3080], [18.0764, 59.3100]] } }""";
    private const string Block = """{ "type": "Feature", "properties": { "class": "block", "name": null }, "geometry": { "type": "Polygon", "coordinates": [[[18.070, 59.310], [18.072, 59.310], [18.072, 59.311], [18.070, 59.310]]] } }""";

    private string File(params string[] features)
    {
        var path = Path.Combine(folder, $"{Guid.NewGuid():N}.geojson");
        System.IO.File.WriteAllText(path, $$"""{ "type": "FeatureCollection", "features": [{{string.Join(",", features)}}] }""");
        return path;
    }

    private Task<long> CountAsync() => fixture.Database.ScalarAsync<long>("SELECT count(*) FROM basemap_features WHERE source = $1", source);

    [Fact]
    public async Task A_street_is_kept_with_its_name_where_the_file_puts_it()
    {
        (await BasemapLoader.LoadAsync(fixture.Database.DataSource, File(Street, Block), source, CancellationToken.None)).ShouldBe(2);
        (await fixture.Database.ScalarAsync<string>("SELECT name FROM basemap_features WHERE source = $1 AND class = 'street'", source)).ShouldBe("Götgatan");
        (await fixture.Database.ScalarAsync<int>("SELECT ST_SRID(geom) FROM basemap_features WHERE source = $1 AND class = 'street'", source)).ShouldBe(3857);
        (await fixture.Database.ScalarAsync<double>(
            "SELECT ST_X(ST_Transform(ST_StartPoint(geom), 4326)) FROM basemap_features WHERE source = $1 AND class = 'street'", source)).ShouldBe(18.0764, 1e-7);
        (await fixture.Database.ScalarAsync<bool>("SELECT name IS NULL FROM basemap_features WHERE source = $1 AND class = 'block'", source)).ShouldBeTrue();
    }

    [Fact]
    public async Task Loading_a_file_again_replaces_what_it_loaded_before()
    {
        await BasemapLoader.LoadAsync(fixture.Database.DataSource, File(Street, Block), source, CancellationToken.None);
        await BasemapLoader.LoadAsync(fixture.Database.DataSource, File(Street), source, CancellationToken.None);
        (await CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task A_feature_of_no_known_class_refuses_the_file_and_leaves_the_basemap_as_it_was()
    {
        await BasemapLoader.LoadAsync(fixture.Database.DataSource, File(Street, Block), source, CancellationToken.None);
        var bad = File(Street, Block.Replace("\"block\"", "\"road\"", StringComparison.Ordinal));
        var refusal = await Should.ThrowAsync<InvalidDataException>(() => BasemapLoader.LoadAsync(fixture.Database.DataSource, bad, source, CancellationToken.None));
        refusal.Message.ShouldContain(bad);
        refusal.Message.ShouldContain("water, park, block, street");
        (await CountAsync()).ShouldBe(2);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

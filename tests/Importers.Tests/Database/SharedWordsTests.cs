using DigitalTwin.Data.Domain;
using DigitalTwin.Testing;

namespace DigitalTwin.Importers.Tests.Database;

/// <summary>The words SQL and C# share are defined once on each side (migration 0013, DigitalTwin.Data.Domain) and say the same.</summary>
public sealed class SharedWordsTests(DatabaseFixture fixture) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task The_storage_crs_is_the_same_in_sql_and_in_csharp() =>
        (await fixture.Database.ScalarAsync<int>("SELECT twin_storage_srid()")).ShouldBe(StorageCrs.Srid);

    [Theory]
    [InlineData("sthlm-bridges", "TK-BRO-0042")]
    [InlineData("hki-parcels", "091-001-0012-0003")]
    [InlineData("a", "b:c:d")]
    [InlineData("layer_1", "ä ö/ %")]
    public async Task A_map_object_id_is_formed_and_split_the_same_in_sql_and_in_csharp(string layer, string sourceId)
    {
        var id = new MapObjectId(layer, sourceId).ToString();
        (await fixture.Database.ScalarAsync<string>("SELECT twin_object_id($1, $2)", layer, sourceId)).ShouldBe(id);
        (await fixture.Database.ScalarAsync<string>("SELECT twin_object_layer($1)", id)).ShouldBe(layer);
        (await fixture.Database.ScalarAsync<string>("SELECT twin_object_source($1)", id)).ShouldBe(sourceId);
        MapObjectId.TryParse(id, out var parsed).ShouldBeTrue();
        parsed.ShouldBe(new MapObjectId(layer, sourceId));
    }

    [Theory]
    [InlineData("")]
    [InlineData(":x")]
    [InlineData("layer:")]
    [InlineData("Layer:x")]
    [InlineData("-layer:x")]
    [InlineData("no colon")]
    public void What_is_not_a_map_object_id_does_not_parse(string text) => MapObjectId.TryParse(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData("sthlm-parcels", true)]
    [InlineData("a", true)]
    [InlineData("v2_buildings", true)]
    [InlineData("Sthlm", false)]
    [InlineData("_x", false)]
    [InlineData("a:b", false)]
    [InlineData("a b", false)]
    [InlineData("", false)]
    [InlineData("basemap", false)] // the basemap's tiles are at /tiles/basemap/
    [InlineData("basemaps", true)]
    public void The_layer_name_rule(string name, bool valid) => LayerNames.IsValid(name).ShouldBe(valid);

    [Fact]
    public void A_layer_name_has_at_most_63_characters() =>
        (LayerNames.IsValid(new string('a', 63)), LayerNames.IsValid(new string('a', 64))).ShouldBe((true, false));

    [Theory]
    [InlineData("fi", "Silta", "Bro", "Bridge", "Silta")]
    [InlineData("sv", null, "Bro", "Bridge", "Bro")]
    [InlineData("sv", "Silta", null, "Bridge", "Silta")]
    [InlineData("en", "Silta", "Bro", null, "Silta")]
    [InlineData("en", null, "Bro", null, "Bro")]
    [InlineData("de", "Silta", "Bro", "Bridge", "Bridge")]
    public void A_missing_translation_falls_back_to_fi_then_sv_then_en(string language, string? fi, string? sv, string? en, string expected) =>
        Languages.Pick(language, fi, sv, en).ShouldBe(expected);
}

using DigitalTwin.Importers.Mapping;

namespace DigitalTwin.Importers.Tests.Mapping;

/// <summary>Mapping files in JSON and YAML, and the errors a GIS user gets for a wrong one.</summary>
public sealed class LayerMappingTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("twin-mapping-tests").FullName;

    private static readonly Dictionary<string, object?> Feature = new()
    {
        ["FNR"] = 4711L,
        ["AGARE"] = "Stockholms stad",
        ["NAMN"] = "  Skanstullsbron ",
        ["TOM"] = "",
    };

    [Fact]
    public void A_json_mapping_reads_fields_constants_and_lookups()
    {
        var mapping = Load("m.json", """
            { "crs": "EPSG:3011", "fields": {
                "id": "FNR", "name": "NAMN", "type": { "value": "bridge" }, "address": "TOM",
                "owner": { "field": "AGARE", "map": { "Stockholms stad": "exploateringskontoret" } } } }
            """);
        var fields = mapping.Resolve(Feature.Keys);
        mapping.Crs.ShouldBe("EPSG:3011");
        fields[DomainField.Id].Read(Feature).ShouldBe("4711");
        fields[DomainField.Name].Read(Feature).ShouldBe("Skanstullsbron");
        fields[DomainField.Type].Read(Feature).ShouldBe("bridge");
        fields[DomainField.Owner].Read(Feature).ShouldBe("exploateringskontoret");
        fields[DomainField.Address].Read(Feature).ShouldBeNull();
    }

    [Fact]
    public void A_yaml_mapping_reads_the_same()
    {
        var mapping = Load("m.yaml", """
            encoding: windows-1252
            fields:
              id: FNR
              type: { value: bridge }
              owner:
                field: AGARE
                map:
                  Stockholms stad: exploateringskontoret
            geometry:
              x: E
              y: N
            """);
        mapping.Encoding.ShouldBe("windows-1252");
        (mapping.XColumn, mapping.YColumn).ShouldBe(("E", "N"));
        var fields = mapping.Resolve(Feature.Keys);
        fields[DomainField.Owner].Read(Feature).ShouldBe("exploateringskontoret");
        fields[DomainField.Type].Read(Feature).ShouldBe("bridge");
    }

    [Fact]
    public void Conventional_names_are_found_without_a_mapping_and_per_file()
    {
        var swedish = LayerMapping.Conventional.Resolve(["ID", "Namn", "Ägare"]);
        swedish[DomainField.Name].Field.ShouldBe("Namn");
        swedish[DomainField.Owner].Field.ShouldBe("Ägare");
        var finnish = LayerMapping.Conventional.Resolve(["id", "nimi", "omistaja"]);
        finnish[DomainField.Name].Field.ShouldBe("nimi");
        finnish[DomainField.Owner].Field.ShouldBe("omistaja");
    }

    [Theory]
    [InlineData("bad.json", "{ \"fields\": { \"ownr\": \"AGARE\" } }", "fields.ownr is not a domain field")]
    [InlineData("bad.json", "{ \"fields\": { \"owner\": { \"map\": {} } } }", "fields.owner: give exactly one of \"from\" (or \"field\"), \"row\" or \"const\" (or \"value\")")]
    [InlineData("bad.json", "{ \"fields\": { \"id\": { \"from\": \"a\", \"join\": \"-\" } } }", "fields.id.join: joins the values of several fields")]
    [InlineData("bad.json", "{ \"fields\": { \"type\": { \"const\": \"bro\", \"default\": \"gata\" } } }", "fields.type.default: a constant is never empty")]
    [InlineData("bad.json", "{ \"fields\": { \"type\": { \"from\": \"TYP\", \"lokup\": {} } } }", "fields.type: unknown member \"lokup\"")]
    [InlineData("bad.json", "{ \"objectsLayer\": \"Sthlm Assets\" }", "objectsLayer 'Sthlm Assets' is not a layer name")]
    [InlineData("bad.json", "{ \"feilds\": {} }", "unknown member \"feilds\"")]
    [InlineData("bad.json", "{ \"fields\": ", "not valid JSON")]
    [InlineData("bad.yaml", "fields: [a, b", "not valid YAML")]
    [InlineData("bad.json", "{ \"geometry\": { \"x\": \"E\" } }", "geometry needs both x and y")]
    public void A_wrong_mapping_names_the_file_and_the_member(string name, string text, string expected)
    {
        var error = Should.Throw<MappingException>(() => Load(name, text));
        error.Message.ShouldContain(name);
        error.Message.ShouldContain(expected);
    }


    [Fact]
    public void A_composite_id_joins_its_fields_and_is_empty_when_a_part_is()
    {
        var mapping = Load("composite.json", """{ "fields": { "id": { "from": ["kommun", "nr"], "join": ":" }, "name": { "from": ["a", "b"] } } }""");
        var fields = mapping.Resolve(["kommun", "nr", "a", "b"]);
        fields[DomainField.Id].Read(new Dictionary<string, object?> { ["kommun"] = "0180", ["nr"] = 12L }).ShouldBe("0180:12");
        fields[DomainField.Id].Read(new Dictionary<string, object?> { ["kommun"] = "0180", ["nr"] = " " }).ShouldBeNull();
        fields[DomainField.Name].Read(new Dictionary<string, object?> { ["a"] = "x", ["b"] = "y" }).ShouldBe("x-y");
        mapping.ExplicitSourceFields.Select(f => f.SourceField).ShouldBe(["kommun", "nr", "a", "b"]);
    }

    [Fact]
    public void Row_numbers_defaults_constants_and_lookups_read_as_documented()
    {
        var mapping = Load("forms.yaml", """
            fields:
              id: { row: true }
              commissioner: { from: tilaaja, default: helsinki-kymp }
              type: { const: bridge }
              owner: { from: AGARE, lookup: { Stockholms stad: exploateringskontoret } }
              manager: { from: AGARE, map: { Trafikverket: trafikverket } }
            """);
        var fields = mapping.Resolve(["tilaaja", "AGARE"]);
        var unmatched = new List<string>();
        var row = new Dictionary<string, object?> { ["tilaaja"] = "", ["AGARE"] = "Trafikverket" };
        fields[DomainField.Id].Read(row, 7).ShouldBe("7");
        fields[DomainField.Commissioner].Read(row, 7).ShouldBe("helsinki-kymp");
        fields[DomainField.Type].Read(row, 7).ShouldBe("bridge");
        fields[DomainField.Owner].Read(row, 7, unmatched.Add).ShouldBe("Trafikverket");
        unmatched.ShouldBe(["Trafikverket"]);
        // The older "map" passes an unmatched value on unsaid, as it always did.
        fields[DomainField.Manager].Read(new Dictionary<string, object?> { ["AGARE"] = "Stockholms stad" }, 1, unmatched.Add).ShouldBe("Stockholms stad");
        unmatched.Count.ShouldBe(1);
    }

    [Fact]
    public void The_layer_of_listed_objects_is_read()
    {
        Load("contracts.json", """{ "objectsLayer": "sthlm-assets", "fields": { "objects": "objekt" } }""").ObjectsLayer.ShouldBe("sthlm-assets");
    }

    private LayerMapping Load(string name, string text)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return LayerMapping.Load(path);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);
}

using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class MapObjectFilterInputType : InputObjectGraphType
{
    public MapObjectFilterInputType()
    {
        Name = "MapObjectFilter";
        Description = "What to find; every given member narrows the search.";
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("layer").Description("Only these layers.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("kind").Description("Only these kinds: parcel, building, asset, area, contract, subcontract.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("type").Description("Only these infrastructure types, e.g. bridge, street, park.");
        Field<StringGraphType>("text").Description("Text in the name, address or id.");
        Field<StringGraphType>("owner").Description("Owned by this organisation (key).");
        Field<StringGraphType>("manager").Description("Managed by this organisation (key).");
        Field<StringGraphType>("contractor").Description("Maintained by this contractor: its contracts and subcontracts, and the objects they cover.");
        Field<StringGraphType>("taskType").Description("Under a contract for this task type.");
        Field<BoundingBoxInputType>("bbox").Description("Intersecting this box.");
        Field<GeoJsonGraphType>("intersects").Description("Intersecting this GeoJSON geometry (WGS84 unless intersectsCrs says otherwise).");
        Field<StringGraphType>("intersectsCrs").Description("The CRS of intersects.").DefaultValue("EPSG:4326");
        Field<NearInputType>("near").Description("Measure distances from a point; with within, only objects that near.");
        Field<DateOnlyGraphType>("on").Description("As the layers were on this date (default today).");
    }
}

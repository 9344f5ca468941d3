using DigitalTwin.Server.MapObjects;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class MapObjectEdgeType : ObjectGraphType<MapObjectEdge>
{
    public MapObjectEdgeType()
    {
        Name = "MapObjectEdge";
        Description = "An object in a page of results, with the cursor to continue after it.";
        Field(e => e.Cursor).Description("Pass as after to get the objects that follow this one.");
        Field<NonNullGraphType<MapObjectType>>("node").Description("The object.").Resolve(c => c.Source.Node);
    }
}

public sealed class PageInfoType : ObjectGraphType<MapObjectPage>
{
    public PageInfoType()
    {
        Name = "PageInfo";
        Description = "Whether more results follow, and the cursor to get them.";
        Field<NonNullGraphType<BooleanGraphType>>("hasNextPage").Description("More objects follow this page.").Resolve(c => c.Source.HasNextPage);
        Field<StringGraphType>("endCursor").Description("The cursor of the last object of this page.").Resolve(c => c.Source.Edges.Count == 0 ? null : c.Source.Edges[^1].Cursor);
    }
}

public sealed class MapObjectConnectionType : ObjectGraphType<MapObjectPage>
{
    public MapObjectConnectionType()
    {
        Name = "MapObjectConnection";
        Description = "A page of map objects.";
        Field<NonNullGraphType<LongGraphType>>("totalCount").Description("How many objects match, over all pages (counted only when asked for).")
            .ResolveAsync(async c => await c.Source.CountAsync(c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MapObjectEdgeType>>>>("edges").Description("The objects with their cursors.").Resolve(c => c.Source.Edges);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MapObjectType>>>>("nodes").Description("The objects.").Resolve(c => c.Source.Edges.Select(e => e.Node));
        Field<NonNullGraphType<PageInfoType>>("pageInfo").Description("Paging.").Resolve(c => c.Source);
    }
}

public sealed class MapObjectOrderEnum : EnumerationGraphType<MapObjectOrder>
{
    public MapObjectOrderEnum()
    {
        Name = "MapObjectOrder";
        Description = "NAME: by name; DISTANCE: nearest first from filter.near.";
    }
}

public sealed class BoundingBoxInputType : InputObjectGraphType
{
    public BoundingBoxInputType()
    {
        Name = "BoundingBoxInput";
        Description = "A bounding box in a CRS (default EPSG:4326 longitude/latitude).";
        Field<NonNullGraphType<FloatGraphType>>("minX").Description("West (longitude or easting).");
        Field<NonNullGraphType<FloatGraphType>>("minY").Description("South (latitude or northing).");
        Field<NonNullGraphType<FloatGraphType>>("maxX").Description("East.");
        Field<NonNullGraphType<FloatGraphType>>("maxY").Description("North.");
        Field<StringGraphType>("crs").Description("The CRS of the box.").DefaultValue("EPSG:4326");
    }
}

public sealed class NearInputType : InputObjectGraphType
{
    public NearInputType()
    {
        Name = "NearInput";
        Description = "A point to measure distances from, and optionally how far to look.";
        Field<NonNullGraphType<PointInputType>>("point").Description("The point.");
        Field<FloatGraphType>("within").Description("Only objects within this many metres.");
    }
}

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

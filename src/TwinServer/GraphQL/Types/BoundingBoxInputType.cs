using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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

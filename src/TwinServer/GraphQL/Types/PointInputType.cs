using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class PointInputType : InputObjectGraphType
{
    public PointInputType()
    {
        Name = "PointInput";
        Description = "A point: x is longitude or easting, y latitude or northing, in the given CRS.";
        Field<NonNullGraphType<FloatGraphType>>("x").Description("Longitude (EPSG:4326) or easting.");
        Field<NonNullGraphType<FloatGraphType>>("y").Description("Latitude (EPSG:4326) or northing.");
        Field<StringGraphType>("crs").Description("The CRS of x and y: EPSG:4326 (default), EPSG:3879, EPSG:3011, ...").DefaultValue("EPSG:4326");
    }
}

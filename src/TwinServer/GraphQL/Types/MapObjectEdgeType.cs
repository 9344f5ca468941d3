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

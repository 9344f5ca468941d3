using DigitalTwin.Server.MapObjects;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class MapObjectOrderEnum : EnumerationGraphType<MapObjectOrder>
{
    public MapObjectOrderEnum()
    {
        Name = "MapObjectOrder";
        Description = "NAME: by name; DISTANCE: nearest first from filter.near.";
    }
}

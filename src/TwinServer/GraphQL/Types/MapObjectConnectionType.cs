using DigitalTwin.Server.MapObjects;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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

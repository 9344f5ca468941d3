using DigitalTwin.Server.MapObjects;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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

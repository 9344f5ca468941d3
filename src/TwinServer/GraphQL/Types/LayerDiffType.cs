using DigitalTwin.Server.Layers;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerDiffType : ObjectGraphType<LayerDiff>
{
    public LayerDiffType()
    {
        Name = "LayerDiff";
        Description = "What changed between two versions of a layer: counts of all the differences, and a page of them in source id order.";
        Field(d => d.Layer).Description("The layer.");
        Field(d => d.From).Description("The version compared from (usually the older).");
        Field(d => d.To).Description("The version compared with.");
        Field<NonNullGraphType<LayerDiffCountsType>>("counts").Description("How many objects differ, by kind, over the whole layer.").Resolve(c => c.Source.Counts);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayerChangeType>>>>("changes").Description("This page of the objects that differ.").Resolve(c => c.Source.Changes);
        Field(d => d.HasNextPage).Description("More differences follow this page.");
        Field(d => d.EndCursor, nullable: true).Description("The cursor to continue after (pass it as after).");
    }
}

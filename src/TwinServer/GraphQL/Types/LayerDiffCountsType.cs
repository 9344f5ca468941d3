using DigitalTwin.Server.Layers;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerDiffCountsType : ObjectGraphType<LayerDiffCounts>
{
    public LayerDiffCountsType()
    {
        Name = "LayerDiffCounts";
        Description = "How many objects differ between two versions of a layer, by kind (an object both moved and changed counts in both).";
        Field(c => c.Added).Description("Objects only in the newer version.");
        Field(c => c.Removed).Description("Objects only in the older version.");
        Field(c => c.Moved).Description("Objects whose geometry moved a centimetre or more.");
        Field(c => c.Changed).Description("Objects with a field or source attribute of another value.");
        Field(c => c.Unchanged).Description("Objects in both versions, exactly as they were.");
    }
}

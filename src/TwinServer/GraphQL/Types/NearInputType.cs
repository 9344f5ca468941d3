using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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

using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ReporterInputType : InputObjectGraphType
{
    public ReporterInputType()
    {
        Name = "ReporterInput";
        Description = "How to reach the reporter (personal data: only handlers and admins see it again).";
        Field<StringGraphType>("email").Description("An e-mail address for the answer.");
        Field<StringGraphType>("firstName").Description("First name.");
        Field<StringGraphType>("lastName").Description("Last name.");
        Field<StringGraphType>("phone").Description("Phone number.");
        Field<BooleanGraphType>("consent").Description("Whether they agree to be contacted at these details.");
    }
}

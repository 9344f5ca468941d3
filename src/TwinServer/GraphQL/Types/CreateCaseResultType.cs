using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CreateCaseResultType : ObjectGraphType<(Case Case, bool Created)>
{
    public CreateCaseResultType()
    {
        Name = "CreateCaseResult";
        Description = "The case taken in, and whether this call made it.";
        Field<NonNullGraphType<CaseType>>("case").Description("The case, with its routing suggestion.").Resolve(c => c.Source.Case);
        Field<NonNullGraphType<BooleanGraphType>>("created").Description("False when the clientKey was used before: the case is the one made then.")
            .Resolve(c => c.Source.Created);
    }
}

using DigitalTwin.Server.Responsibility;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class RecipientRoleEnum : EnumerationGraphType<RecipientRole>
{
    public RecipientRoleEnum()
    {
        Name = "RecipientRole";
        Description = "In which role the recipient gets the case (product contract 3.7 order).";
    }
}

using System.Globalization;
using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseEventType : ObjectGraphType<CaseEvent>
{
    public CaseEventType()
    {
        Name = "CaseEvent";
        Description = "One change of a case.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The event's id; events of a case are in the order of their ids.")
            .Resolve(c => c.Source.Id.ToString(CultureInfo.InvariantCulture));
        Field(x => x.At).Description("When.");
        Field(x => x.Actor).Description("Who: key:NAME for a system, handler:..., system, system:auto-forward.");
        Field(x => x.Kind).Description(
            "What: received, suggested, forwarded, delivered, delivery-failed, dead-letter, delivery-retried, status, rejected, replied, asked-citizen, " +
            "moved, rerouted, closed, reopened.");
        Field<NonNullGraphType<JsonGraphType>>("data").Description("The details of the change.").Resolve(c => c.Source.Data);
    }
}

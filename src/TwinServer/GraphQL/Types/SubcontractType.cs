using DigitalTwin.Server.Responsibility;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class SubcontractType : ObjectGraphType<SubcontractMatch>
{
    public SubcontractType()
    {
        Name = "Subcontract";
        Description = "A subcontract under a contract: a subcontractor for some of its task types, possibly in a sub-area.";
        Field(s => s.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("Stable id: layer:source id.");
        Field(s => s.SourceId).Description("Its own id.");
        Field(s => s.Name, nullable: true).Description("Its name.");
        Field<OrganisationType>("subcontractor").Description("Who does the work.").Resolve(c => MapObjectType.Organisation(c, c.Source.Subcontractor));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseTimeType>>>>("responseTimes")
            .Description("How soon the subcontractor must have done each task type after a case is forwarded (none: the contract's times).")
            .Resolve(c => MapObjectType.ResponseTimes(c, c.Source.Id));
    }
}

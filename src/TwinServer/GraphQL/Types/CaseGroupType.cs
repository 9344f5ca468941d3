using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseGroupType : ObjectGraphType<CaseStatisticsGroup>
{
    public CaseGroupType()
    {
        Name = "CaseGroup";
        Description = "One group of a report: the values it is grouped by (null where not grouped by, or none) and its counts.";
        Field<StringGraphType>("category").Description("The task type's code.").Resolve(c => c.Source.Key.Category);
        Field<StringGraphType>("recipient").Description("The recipient's organisation key.").Resolve(c => c.Source.Key.Recipient);
        Field<OrganisationType>("recipientOrganisation").Description("The recipient.")
            .Resolve(c => MapObjectType.Organisation(c, c.Source.Key.Recipient));
        Field<CaseStatusEnum>("status").Description("The status.").Resolve(c => c.Source.Key.Status);
        Field<IdGraphType>("areaId").Description("The district or area (layer:id).").Resolve(c => c.Source.Key.AreaId);
        Field<StringGraphType>("areaName").Description("Its name.").Resolve(c => c.Source.Key.AreaName);
        Field<IdGraphType>("objectId").Description("The map object (layer:id).").Resolve(c => c.Source.Key.ObjectId);
        Field<StringGraphType>("objectName").Description("Its name.").Resolve(c => c.Source.Key.ObjectName);
        Field<StringGraphType>("objectType").Description("Its type, e.g. bridge.").Resolve(c => c.Source.Key.ObjectType);
        Field<DateOnlyGraphType>("period").Description("The first day of the day, week or month.").Resolve(c => c.Source.Key.Period);
        Field<NonNullGraphType<CaseCountsType>>("counts").Description("Its counts.").Resolve(c => c.Source.Counts);
    }
}

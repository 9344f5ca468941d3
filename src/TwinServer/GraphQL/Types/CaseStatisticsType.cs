using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseStatisticsType : ObjectGraphType<CaseStatisticsResult>
{
    public CaseStatisticsType()
    {
        Name = "CaseStatistics";
        Description = "A report on cases: the total over the filter, and its groups.";
        Field<NonNullGraphType<CaseCountsType>>("total").Description("Every case the filter keeps.").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CaseGroupType>>>>("groups")
            .Description("The groups, the biggest first (in time order when grouped by a period).").Resolve(c => c.Source.Groups);
        Field(c => c.Truncated).Description("There were more groups than first.");
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("computedAt").Description("The moment overdue was judged at.").Resolve(c => c.Source.At);
    }
}

using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseStatisticsFilterInputType : InputObjectGraphType
{
    public CaseStatisticsFilterInputType()
    {
        Name = "CaseStatisticsFilter";
        Description = "Which cases a report counts; every part is optional.";
        Field<DateTimeOffsetGraphType>("from").Description("Received at or after.");
        Field<DateTimeOffsetGraphType>("until").Description("Received before.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("categories").Description("Any of these task types.");
        Field<ListGraphType<NonNullGraphType<CaseStatusEnum>>>("statuses").Description("Any of these statuses.");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("recipients").Description("Cases these organisations have now, and the rejections they made.");
        Field<IdGraphType>("area").Description("Inside this map object (layer:id), e.g. a district or a management area.");
        Field<GeoJsonGraphType>("within").Description("Inside this GeoJSON geometry (WGS84).");
    }
}

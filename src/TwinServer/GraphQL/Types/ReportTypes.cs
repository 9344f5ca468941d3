using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseDimensionEnum : EnumerationGraphType<CaseDimension>
{
    public CaseDimensionEnum()
    {
        Name = "CaseDimension";
        Description = "What cases are counted by.";
    }
}

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

public sealed class HandlingTimeType : ObjectGraphType<(double? Median, double? P90)>
{
    public HandlingTimeType()
    {
        Name = "HandlingTime";
        Description = "A handling time over the cases of a group, in hours (null: no case has it).";
        Field<FloatGraphType>("medianHours").Description("Half the cases took at most this long.").Resolve(c => Hours(c.Source.Median));
        Field<FloatGraphType>("p90Hours").Description("Nine in ten took at most this long.").Resolve(c => Hours(c.Source.P90));
    }

    private static double? Hours(double? seconds) => seconds is { } s ? Math.Round(s / 3600, 3) : null;
}

public sealed class CaseCountsType : ObjectGraphType<CaseCounts>
{
    public CaseCountsType()
    {
        Name = "CaseCounts";
        Description = "Counts and handling times of a group of cases.";
        Field(c => c.Cases).Description("Cases.");
        Field(c => c.Open).Description("Not done or closed yet (received, assigned, forwarded, in progress, or sent back).");
        Field(c => c.Resolved).Description("Done or closed.");
        Field(c => c.Forwarded).Description("Forwarded at least once.");
        Field(c => c.FirstContact).Description("Resolved at first contact: forwarded once and never sent back, or answered and closed by the handler.");
        Field(c => c.Answered).Description("Answered and closed by the handler at first contact, without a forward.");
        Field(c => c.FirstContactRate, nullable: true).Description("firstContact / (forwarded + answered) (null: none handled).");
        Field(c => c.WithDeadline).Description("Forwarded under a contract with a response time for the category.");
        Field(c => c.Overdue).Description("Forwarded or in progress past the contract's response time, now.");
        Field(c => c.Late).Description("Done after the contract's response time.");
        Field(c => c.Rejections).Description("Times a recipient sent a case back as not theirs (in a recipient's group: the times that recipient did).");
        Field<NonNullGraphType<HandlingTimeType>>("toForward").Description("From intake to the first forward: the contact centre's time.")
            .Resolve(c => (c.Source.ForwardMedian, c.Source.ForwardP90));
        Field<NonNullGraphType<HandlingTimeType>>("toDone").Description("From the (latest) forward to done: the recipient's time.")
            .Resolve(c => (c.Source.DoneMedian, c.Source.DoneP90));
    }
}

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

public sealed class DensityCellType : ObjectGraphType<DensityCell>
{
    public DensityCellType()
    {
        Name = "DensityCell";
        Description = "A cell of the case density grid.";
        Field(c => c.Lon).Description("The cell's centre: WGS84 longitude.");
        Field(c => c.Lat).Description("The cell's centre: WGS84 latitude.");
        Field(c => c.Cases).Description("Cases in the cell.");
    }
}

public sealed class CaseDensityType : ObjectGraphType<CaseDensity>
{
    public CaseDensityType()
    {
        Name = "CaseDensity";
        Description = "Cases counted in square cells of an equal-area grid (EPSG:3035): the heat map's data.";
        Field(c => c.CellMetres).Description("The cells' side in metres.");
        Field(c => c.Cases).Description("Cases counted.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DensityCellType>>>>("cells").Description("The cells with cases, the fullest first.").Resolve(c => c.Source.Cells);
    }
}

public sealed class ResponseTimeType : ObjectGraphType<ResponseTime>
{
    public ResponseTimeType()
    {
        Name = "ResponseTime";
        Description = "How soon a contractor must have done a task after it is forwarded.";
        Field(r => r.TaskType, nullable: true).Description("The task type (null: the contract's other task types).");
        Field(r => r.Hours).Description("Hours from the forward to done.");
    }
}

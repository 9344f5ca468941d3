using System.ComponentModel;

namespace DigitalTwin.Server.Reports;

// The reports' questions and answers, which CaseStatistics answers in SQL for GraphQL's caseStatistics and
// caseDensity and for the reports page alike (the page has view models of its own, mapped in MapBackend).

/// <summary>What cases can be counted by.</summary>
public enum CaseDimension
{
    [Description("The task type.")] Category,
    [Description("Who has the case now (null: nobody yet, or sent back); rejections count for the recipient that made them.")] Recipient,
    [Description("Where the case is.")] Status,
    [Description("The district it lies in: the areas of type district of every area layer (null: none).")] District,
    [Description("The area of the layer named by areaLayer it lies in (null: none); a case in two overlapping areas counts in both.")] Area,
    [Description("The map object it is about; with first: 10, the objects with the most reports.")] Object,
    [Description("The day it came in, in the report's time zone.")] Day,
    [Description("The week it came in (weeks begin on Monday).")] Week,
    [Description("The month it came in.")] Month,
}

/// <summary>Which cases a report counts. Every part is optional.</summary>
public sealed record CaseStatisticsFilter
{
    /// <summary>Received at or after.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Received before.</summary>
    public DateTimeOffset? Until { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }

    /// <summary>Cases with these recipients now, and the rejections these recipients made.</summary>
    public IReadOnlyList<string>? Recipients { get; init; }

    /// <summary>Inside this map object (layer:id), e.g. a district.</summary>
    public string? AreaId { get; init; }

    /// <summary>Inside this GeoJSON geometry (WGS84).</summary>
    public string? Within { get; init; }
}

/// <summary>A report: the filter, what to group by, and for whom.</summary>
public sealed record CaseStatisticsQuery(CaseStatisticsFilter Filter, IReadOnlyList<CaseDimension> GroupBy)
{
    /// <summary>The area layer of <see cref="CaseDimension.Area"/>.</summary>
    public string? AreaLayer { get; init; }

    /// <summary>Days, weeks and months begin at midnight here (an IANA name; null: the server's Reports:TimeZone).</summary>
    public string? TimeZone { get; init; }

    /// <summary>At most this many groups, the biggest first (in time order when grouped by time).</summary>
    public int First { get; init; } = 1000;

    /// <summary>Whether the total over the filter is wanted besides the groups.</summary>
    public bool WithTotal { get; init; } = true;

    /// <summary>Whether handling times are wanted (they are the costly part: each is a sort).</summary>
    public bool WithTimes { get; init; } = true;

    /// <summary>A contractor's report: only its own cases and its own rejections.</summary>
    public string? Organisation { get; init; }
}

/// <summary>What a group is: the value of each dimension grouped by (null where not grouped by, or none).</summary>
public sealed record CaseGroupKey(
    string? Category, string? Recipient, string? Status, string? AreaId, string? AreaName, string? ObjectId, string? ObjectName,
    string? ObjectType, DateOnly? Period);

/// <summary>
/// The counts and handling times of a group of cases. Times are in seconds: from intake to the first forward, and from
/// the latest forward to done.
/// </summary>
public sealed record CaseCounts(
    long Cases, long Open, long Resolved, long Forwarded, long FirstContact, long WithDeadline, long Overdue, long Late, long Rejections,
    double? ForwardMedian, double? ForwardP90, double? DoneMedian, double? DoneP90, long Answered = 0)
{
    /// <summary>
    /// The share of handled cases (forwarded, or answered and closed by the handler) resolved at first contact: forwarded
    /// once to the right recipient, never sent back, or answered and closed at once.
    /// </summary>
    public double? FirstContactRate => Forwarded + Answered == 0 ? null : (double)FirstContact / (Forwarded + Answered);
}

public sealed record CaseStatisticsGroup(CaseGroupKey Key, CaseCounts Counts);

public sealed record CaseStatisticsResult(CaseCounts Total, IReadOnlyList<CaseStatisticsGroup> Groups, bool Truncated, DateTimeOffset At);

/// <summary>A cell of the case density grid: its centre in WGS84 and how many cases it holds.</summary>
public sealed record DensityCell(double Lon, double Lat, long Cases);

public sealed record CaseDensity(double CellMetres, long Cases, IReadOnlyList<DensityCell> Cells);

namespace DigitalTwin.Ui.Backend;

// The reports page's view of the server's reports (Reports/ReportModels.cs in TwinServer), mapped in MapBackend.

/// <summary>What the reports page counts cases by.</summary>
public enum UiReportDimension { Category, Recipient, Status, District, Area, Object, Day, Week, Month }

/// <summary>Which cases the page counts. Every part is optional.</summary>
public sealed record UiReportFilter
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
}

/// <summary>One of the page's questions: the filter, what to group by, how many groups, and what to count.</summary>
public sealed record UiReportQuery(UiReportFilter Filter, IReadOnlyList<UiReportDimension> GroupBy)
{
    public int First { get; init; } = 1000;
    public bool WithTotal { get; init; } = true;
    public bool WithTimes { get; init; } = true;
}

/// <summary>What a group is: the value of each dimension grouped by (null where not grouped by, or none).</summary>
public sealed record UiReportKey(
    string? Category, string? Recipient, string? Status, string? AreaId, string? AreaName, string? ObjectId, string? ObjectName,
    string? ObjectType, DateOnly? Period);

/// <summary>The counts and handling times of a group; times in seconds.</summary>
public sealed record UiReportCounts(
    long Cases, long Open, long Resolved, long Forwarded, long FirstContact, long WithDeadline, long Overdue, long Late, long Rejections,
    double? ForwardMedian, double? ForwardP90, double? DoneMedian, double? DoneP90, double? FirstContactRate);

public sealed record UiReportGroup(UiReportKey Key, UiReportCounts Counts);

public sealed record UiReport(UiReportCounts Total, IReadOnlyList<UiReportGroup> Groups, bool Truncated, DateTimeOffset At);

/// <summary>A cell of the heat map: its centre in WGS84 and how many cases it holds.</summary>
public sealed record UiDensityCell(double Lon, double Lat, long Cases);

public sealed record UiDensity(double CellMetres, long Cases, IReadOnlyList<UiDensityCell> Cells);

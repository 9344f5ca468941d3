namespace DigitalTwin.Server.Cases;

/// <summary>How the inbox is ordered: by intake (oldest or newest first), by urgency (overdue first), or by category.</summary>
public enum InboxOrder
{
    Oldest,
    Newest,
    Urgency,
    Category,
}

/// <summary>
/// What a handler asks the inbox for (inbox.sql): every filter null or false means "any", so the empty query is the
/// whole inbox, oldest first. <see cref="Limit"/> and <see cref="Offset"/> page it.
/// </summary>
public sealed record InboxQuery
{
    public const int MaxLimit = 500;

    public IReadOnlyList<string>? Statuses { get; init; }

    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>The organisation the case went to, or is suggested to go to.</summary>
    public string? Recipient { get; init; }

    /// <summary>The person at the city who works it.</summary>
    public string? Handler { get; init; }

    public bool UnassignedOnly { get; init; }

    /// <summary>Only cases older than this.</summary>
    public TimeSpan? OlderThan { get; init; }

    public bool OverdueOnly { get; init; }

    public bool FailingOnly { get; init; }

    public bool DuplicatesOnly { get; init; }

    /// <summary>Only cases within this map object (a district or a management area), by its id (layer:source id).</summary>
    public string? Area { get; init; }

    /// <summary>Part of a case number, an address or a description.</summary>
    public string? Text { get; init; }

    public InboxOrder Order { get; init; } = InboxOrder.Oldest;

    public int Limit { get; init; } = 100;

    public int Offset { get; init; }

    /// <summary>The newest case the handler has seen (its id): the counts say how many open cases are newer.</summary>
    public long? SeenUpTo { get; init; }
}

/// <summary>A page of the inbox: its cases, how many the query matches in all, and the counts of the whole inbox.</summary>
public sealed record InboxPage(IReadOnlyList<InboxCase> Cases, int Matched, InboxCounts Counts);

/// <summary>
/// The whole inbox at a glance (inbox_counts.sql): open cases per status, and those that need the handler (overdue,
/// failing delivery, nobody working it, one's own, likely duplicates), those newer than the newest the handler saw,
/// and the newest case's id.
/// </summary>
public sealed record InboxCounts(int Open, int Received, int Assigned, int Forwarded, int InProgress, int Rejected, int Overdue, int Failing,
    int Unassigned, int Mine, int Duplicates, int Newer, long Latest);

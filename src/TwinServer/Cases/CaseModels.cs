namespace DigitalTwin.Server.Cases;

/// <summary>Settings of cases (configuration section <c>Cases</c>).</summary>
public sealed class CaseOptions
{
    /// <summary>
    /// Forward a new case at once when its recipient is clear: a contractor or subcontractor holds the task at its
    /// point, with no conflict. Off by default: the handler confirms every case.
    /// </summary>
    public bool AutoForward { get; set; }

    /// <summary>
    /// Acknowledge every report by e-mail where the reporter left an address (its number, and that they will hear
    /// when it is done), in their language, through the outbox in the same transaction as the intake. Off by default.
    /// </summary>
    public bool Acknowledge { get; set; }

    /// <summary>
    /// Model answers for the handler's reply to the citizen, by task type ("*": for any), each in fi, sv and en, and
    /// for some states of the case only where it says so; the reply goes out in the language the citizen wrote in.
    /// </summary>
    public Dictionary<string, List<ModelAnswer>> Answers { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One model answer in the three languages.</summary>
public sealed class ModelAnswer
{
    /// <summary>The case states it fits (received, forwarded, done, ...); none: any state.</summary>
    public List<string> States { get; set; } = [];

    public string? Fi { get; set; }
    public string? Sv { get; set; }
    public string? En { get; set; }

    public string? In(string language) => Languages.Pick(language, Fi, Sv, En);
}

/// <summary>The statuses of a case (product contract section 2), as stored and as GraphQL and Open311 show them.</summary>
public static class CaseStatus
{
    public const string Received = "received", Assigned = "assigned", Forwarded = "forwarded", InProgress = "in_progress",
        Done = "done", Closed = "closed", Rejected = "rejected";

    public static readonly IReadOnlyList<string> All = [Received, Assigned, Forwarded, InProgress, Done, Closed, Rejected];

    /// <summary>Open311 knows two: open and closed.</summary>
    public static string Open311(string status) => status is Done or Closed ? "closed" : "open";

    public static bool IsOpen(string status) => status is not (Done or Closed or Rejected);
}

/// <summary>Who acts: a handler, a system's key (citizen app, contractor), or the server itself.</summary>
/// <param name="Name">How the timeline names it, e.g. "key:helsinki-app" or "system".</param>
/// <param name="ApiKeyId">The key it acts with, if a system.</param>
/// <param name="Organisation">For a contractor's key: the organisation it acts for.</param>
public sealed record Actor(string Name, int? ApiKeyId = null, string? Organisation = null)
{
    public static readonly Actor System = new("system");
}

/// <summary>How the citizen reached the city, as stored on the case.</summary>
public static class CaseChannel
{
    public const string Open311 = "open311", Phone = "phone", WalkIn = "walk-in", Email = "email", Web = "web", Other = "other";

    public static readonly IReadOnlyList<string> All = [Open311, Phone, WalkIn, Email, Web, Other];
}

/// <summary>How a handler closed a case at first contact, without forwarding it.</summary>
public static class CaseResolution
{
    public const string NotTheCitys = "not-the-citys", AlreadyFixed = "already-fixed", PassedToState = "passed-to-state", Answered = "answered",
        Duplicate = "duplicate";

    public static readonly IReadOnlyList<string> All = [NotTheCitys, AlreadyFixed, PassedToState, Answered, Duplicate];
}

/// <summary>A new case as a citizen app or a handler gives it.</summary>
public sealed record NewCase(
    string Category, double Lon, double Lat, string? Description, string? Address, string? MediaUrl,
    string? Email, string? FirstName, string? LastName, string? Phone, string Language, string Channel, string? IdempotencyKey,
    string? ObjectId = null, bool? ContactConsent = null);

/// <summary>A case as stored, with the reporter's contact (personal data: shown only to those allowed).</summary>
public sealed record Case(
    long Id, string ServiceRequestId, string Category, string? Description, double Lon, double Lat, string? Address,
    string? MediaUrl, string? Email, string? FirstName, string? LastName, string? Phone, string Language, string Channel,
    string Status, string? SuggestedTo, string? SuggestedRole, string? Suggestion, string? ObjectId, string? Assignee,
    string? StatusNotes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary>Counts the changes a handler or recipient can see; a change that names the version it was shown refuses a newer case.</summary>
    public int Version { get; init; } = 1;

    /// <summary>How the handler closed it at first contact (<see cref="CaseResolution"/>), if so.</summary>
    public string? Resolution { get; init; }

    /// <summary>The handler asked the citizen something and waits for the answer.</summary>
    public bool AwaitingCitizen { get; init; }

    /// <summary>Whether the reporter agreed to be contacted (noted on a call); null: not asked.</summary>
    public bool? ContactConsent { get; init; }

    /// <summary>The recipients that sent it back as not theirs, in order.</summary>
    public IReadOnlyList<string> RejectedBy { get; init; } = [];

    /// <summary>The date the recipient promised it done by, from its status update (Open311's expected_datetime).</summary>
    public DateTimeOffset? PromisedAt { get; init; }

    /// <summary>The original this duplicate was merged into (its id); null when it is not a merged duplicate.</summary>
    public long? MergedInto { get; init; }
}

/// <summary>
/// What the handler forwards: to whom (null: the suggested recipient), as which version of the case they saw, a note
/// for the recipient, and why, when it is not the suggestion (a candidate of a conflict, another organisation, one that
/// sent it back, or a new recipient for a delivery that fails). Channel: one of the recipient's (webhook, open311,
/// email); null takes its first.
/// </summary>
public sealed record ForwardRequest(string? Recipient, int? ExpectedVersion = null, string? Note = null, string? Reason = null, string? Channel = null);

/// <summary>
/// A case sent somewhere else on purpose: another category and/or another place or object, with a reason. The
/// suggestion is made again; nothing is sent until the handler forwards.
/// </summary>
public sealed record RerouteRequest(string Reason, int? ExpectedVersion = null, string? Category = null, double? Lon = null, double? Lat = null,
    string? ObjectId = null);

/// <summary>A case taken in: its id and number, and whether this intake made it (false: a retry of an earlier one).</summary>
public sealed record CaseCreated(long Id, string ServiceRequestId, bool Created);

/// <summary>One event on a case's timeline.</summary>
public sealed record CaseEvent(long Id, DateTimeOffset At, string Actor, string Kind, string Data);

/// <summary>A delivery of a case to a recipient's channel, and how it went.</summary>
public sealed record Delivery(
    long Id, string Recipient, string Channel, string Target, Guid IdempotencyKey, string State, int Attempts,
    DateTimeOffset NextAttemptAt, string? LastError, string? ExternalId, DateTimeOffset? DeliveredAt);

/// <summary>What the case list can be narrowed by. Every member narrows; none is required.</summary>
public sealed record CaseFilter
{
    /// <summary>The largest <see cref="Near"/> radius, in metres: a filter for a neighbourhood, not a region.</summary>
    public const double MaxRadiusMetres = 10_000;

    /// <summary>The longest <see cref="Within"/> GeoJSON text, in characters.</summary>
    public const int MaxAreaLength = 1_000_000;

    public IReadOnlyList<string>? ServiceRequestIds { get; init; }
    public IReadOnlyList<string>? Statuses { get; init; }
    public string? Category { get; init; }
    public string? Assignee { get; init; }
    public DateTimeOffset? From { get; init; }
    public DateTimeOffset? To { get; init; }
    public string? Text { get; init; }

    /// <summary>Cases about this map object: its stable id, <c>layer:source_id</c> (e.g. <c>sthlm-assets:TK-BRO-0417-S1</c>).</summary>
    public string? ObjectId { get; init; }

    /// <summary>
    /// Cases whose point lies in this box of WGS84 longitudes and latitudes (degrees, edges included). West must not
    /// be east of East, nor South north of North: a box across the antimeridian is two boxes.
    /// </summary>
    public (double West, double South, double East, double North)? Bbox { get; init; }

    /// <summary>
    /// Cases at most <c>Metres</c> from the WGS84 point (<c>Lon</c>, <c>Lat</c>), measured on the ellipsoid; the radius
    /// is from 0 to <see cref="MaxRadiusMetres"/>.
    /// </summary>
    public (double Lon, double Lat, double Metres)? Near { get; init; }

    /// <summary>
    /// Cases inside this area: a GeoJSON geometry (RFC 7946: WGS84 longitude, latitude; not a Feature), at most
    /// <see cref="MaxAreaLength"/> characters. One PostGIS cannot read is refused, BAD_AREA.
    /// </summary>
    public string? Within { get; init; }

    /// <summary>
    /// Cases reported by this e-mail address (case-insensitive) or phone number (its digits, at least five): personal
    /// data, for handlers only, and every such search is audited by the caller.
    /// </summary>
    public string? Reporter { get; init; }

    public int Limit { get; init; } = 100;
}

/// <summary>
/// A case in the handler's inbox: no contact details; the latest delivery's state; who sent it back and why; the
/// earlier open case it likely duplicates.
/// </summary>
public sealed record InboxCase(
    long Id, string ServiceRequestId, string Category, string Status, DateTimeOffset CreatedAt, double Lon, double Lat, string? Address,
    string? Description, string? SuggestedTo, string? Assignee, string? ObjectId, string? DeliveryState, string? DeliveryError,
    string? RejectedBy, string? RejectReason, string? DuplicateOf, string Language)
{
    public int Version { get; init; } = 1;

    public string Channel { get; init; } = CaseChannel.Other;

    /// <summary>The latest forward's delivery: attempts so far, and when it is tried next while pending.</summary>
    public int DeliveryAttempts { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>The suggestion as resolved for the case's own category and place (JSON: recipient, role, fallback, candidates, explanation).</summary>
    public string? Suggestion { get; init; }

    public bool AwaitingCitizen { get; init; }

    /// <summary>Every recipient that sent it back, in order.</summary>
    public IReadOnlyList<string> RejectedByAll { get; init; } = [];

    /// <summary>The latest message to the citizen (a reply or question by e-mail): its state and error.</summary>
    public string? CitizenMessageState { get; init; }

    public string? CitizenMessageError { get; init; }

    /// <summary>The person at the city who works the case; null while nobody took it.</summary>
    public string? Handler { get; init; }

    /// <summary>When the recipient owes it done, from its contract's response time (set on forward).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The date the recipient promised in its status update.</summary>
    public DateTimeOffset? PromisedAt { get; init; }

    /// <summary>The number of the original this duplicate was merged into.</summary>
    public string? MergedInto { get; init; }

    /// <summary>How many duplicates were merged into this case.</summary>
    public int MergedDuplicates { get; init; }

    /// <summary>The citizen's own link to a photo or other media (from their app).</summary>
    public string? MediaUrl { get; init; }
}

/// <summary>
/// A status change of a case as anyone may read it (Open311's servicerequestupdates): its event's id, the case's
/// number, FixMyStreet's status word, when, the note for the citizen, and our own status as the external code.
/// </summary>
public sealed record PublicUpdate(long UpdateId, string ServiceRequestId, string Status, DateTimeOffset At, string? Description, string ExternalStatusCode);

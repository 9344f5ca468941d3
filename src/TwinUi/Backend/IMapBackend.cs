namespace DigitalTwin.Ui.Backend;

/// <summary>
/// What the map UI asks of the server. The UI runs on the server (Blazor interactive server), so these are plain
/// calls into the server's own services; TwinServer implements this interface, and the UI depends on nothing else.
/// </summary>
public interface IMapBackend
{
    Task<IReadOnlyList<UiLayer>> LayersAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<UiTaskType>> TaskTypesAsync(CancellationToken cancellationToken);

    Task<IReadOnlyList<UiOrganisation>> OrganisationsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// product contract section 3 at a point (WGS84) with the object under the cursor as the target when there is one, or at an
    /// object alone (a search result).
    /// </summary>
    Task<UiAnswer> ResolveAsync(double? lon, double? lat, string? objectId, string taskType, DateOnly on, CancellationToken cancellationToken);

    /// <summary>The infrastructure types of the loaded objects, for the type filter.</summary>
    Task<IReadOnlyList<string>> TypesAsync(CancellationToken cancellationToken);

    /// <summary>Objects by name, address or id, of some infrastructure types, in some organisation's responsibility.</summary>
    Task<UiSearchResult> SearchAsync(UiSearch search, CancellationToken cancellationToken);

    /// <summary>One object's geometry (GeoJSON, WGS84), e.g. the recipient's contract area; null when there is none.</summary>
    Task<string?> GeometryAsync(string objectId, DateOnly on, CancellationToken cancellationToken);

    /// <summary>The extent of a layer's serving version (GeoJSON polygon, WGS84), to show it whole; null when it is empty.</summary>
    Task<string?> LayerExtentAsync(string layer, CancellationToken cancellationToken);

    /// <summary>Where nobody is responsible for a task on a date (coverage gaps) and where contracts overlap (conflicts).</summary>
    Task<UiCoverage> CoverageAsync(string taskType, DateOnly on, CancellationToken cancellationToken);

    /// <summary>
    /// The handler's inbox: open cases and those sent back, as the filter narrows and orders them, the first
    /// <paramref name="limit"/>; with how many it matches and the counts of the whole inbox.
    /// </summary>
    /// <remarks>The counts say how many open cases are newer than <paramref name="seenUpTo"/> (a case id), the newest the handler saw.</remarks>
    Task<UiInbox> InboxAsync(UiInboxFilter filter, int limit, long? seenUpTo, CancellationToken cancellationToken);

    /// <summary>Gives a case to a person who works cases (the caller or a colleague), or to nobody (null), as the version shown.</summary>
    Task AssignAsync(long caseId, string? handler, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>An internal note on the case's timeline: never sent to the citizen or the recipient.</summary>
    Task AddNoteAsync(long caseId, string text, CancellationToken cancellationToken);

    /// <summary>The people who work cases, to give a case to; the caller first.</summary>
    Task<IReadOnlyList<UiPerson>> ColleaguesAsync(CancellationToken cancellationToken);

    /// <summary>The caller has the case open now, in <paramref name="view"/> (one showing of it); the others who have it open too (on any server node).</summary>
    Task<IReadOnlyList<UiPerson>> ViewingAsync(long caseId, Guid view, CancellationToken cancellationToken);

    /// <summary>The caller closed the case shown in <paramref name="view"/> (selected another, or left the page).</summary>
    Task LeftCaseAsync(long caseId, Guid view, CancellationToken cancellationToken);

    /// <summary>The caller's saved inbox views.</summary>
    Task<IReadOnlyList<UiSavedView>> SavedViewsAsync(CancellationToken cancellationToken);

    Task SaveViewAsync(string name, UiInboxFilter filter, CancellationToken cancellationToken);

    Task DeleteViewAsync(string name, CancellationToken cancellationToken);

    /// <summary>The language the caller chose last (fi, sv, en), null when never; and remembering a new choice.</summary>
    Task<string?> LanguageAsync(CancellationToken cancellationToken);

    Task SetLanguageAsync(string language, CancellationToken cancellationToken);

    /// <summary>
    /// One case as the inbox shows it, whatever its status (just closed, found by a search): what the case box shows
    /// and acts on. Null when there is none.
    /// </summary>
    Task<UiCase?> CaseForDeskAsync(long caseId, CancellationToken cancellationToken);

    /// <summary>
    /// Forwards a case to the recipient the handler saw, as the version of the case they saw: refused (code STALE_CASE)
    /// when the case changed since, and a recipient other than the suggested one needs a reason.
    /// </summary>
    Task ForwardAsync(long caseId, UiForward forward, CancellationToken cancellationToken);

    /// <summary>Moves a case (its pin dragged) and makes its suggestion again at the new point.</summary>
    Task MoveCaseAsync(long caseId, double lon, double lat, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Routes a case again on purpose: another category, place or object, with a reason; nothing is sent.</summary>
    Task RerouteAsync(long caseId, UiReroute reroute, CancellationToken cancellationToken);

    /// <summary>Model answers for a case's category and state, in the citizen's language, to start a reply from.</summary>
    IReadOnlyList<string> ModelAnswers(string category, string language, string status);

    /// <summary>
    /// What the citizen receives for a message of this kind (reply, question) with this text: the e-mail's subject and
    /// body in their language, exactly as the outbox will write it.
    /// </summary>
    UiMessagePreview PreviewMessage(string kind, string number, string category, string language, string text);

    /// <summary>
    /// The handler's reply to the citizen: the case's note in Open311, and an e-mail when they left an address. Returns
    /// the e-mail's delivery (its state shows in the inbox: whether it went), null when there is no address.
    /// </summary>
    Task<long?> ReplyAsync(long caseId, string text, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Sends the case back to the citizen with a question; it waits, marked, until the handler acts on it.</summary>
    Task<long?> AskCitizenAsync(long caseId, string question, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Answers and closes a case at first contact (resolution: not-the-citys, already-fixed, passed-to-state, answered, duplicate).</summary>
    Task<long?> CloseCaseAsync(long caseId, string resolution, string? answer, string? duplicateOf, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>The photos attached to a case, oldest first.</summary>
    Task<IReadOnlyList<UiPhoto>> PhotosAsync(long caseId, CancellationToken cancellationToken);

    /// <summary>Attaches a photo (JPEG, PNG or WebP, at most 10 MiB) to a case, e.g. one a caller sent by e-mail.</summary>
    Task<UiPhoto> AttachPhotoAsync(long caseId, string fileName, byte[] bytes, CancellationToken cancellationToken);

    /// <summary>Undoes a merge: the duplicate is a case of its own again, back in the inbox.</summary>
    Task UnmergeAsync(long caseId, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Takes a done or closed case up again, with the reason.</summary>
    Task ReopenCaseAsync(long caseId, string reason, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>Tries the case's failing deliveries again now.</summary>
    Task RetryDeliveriesAsync(long caseId, int expectedVersion, CancellationToken cancellationToken);

    /// <summary>A case the handler takes in (a call, a visit, an e-mail): the same intake rules as a citizen app's.</summary>
    Task<UiCaseRef> CreateCaseAsync(UiNewCase intake, CancellationToken cancellationToken);

    /// <summary>Cases by number, address or description, object, category, status and date (newest first), open or not.</summary>
    Task<IReadOnlyList<UiCaseSummary>> FindCasesAsync(UiCaseSearch search, CancellationToken cancellationToken);

    /// <summary>One case with its whole history (timeline and deliveries), by number; null when there is none.</summary>
    Task<UiCaseDetail?> CaseAsync(string number, CancellationToken cancellationToken);

    /// <summary>Calls back whenever a case changes on this server (until disposed), so that the inbox updates live.</summary>
    IDisposable WatchCases(Func<Task> changed);

    /// <summary>
    /// The reporter's contact details of a case (personal data), for handlers and admins; every call is in the audit log.
    /// Null when the reporter left none.
    /// </summary>
    Task<UiContact?> ContactAsync(long caseId, CancellationToken cancellationToken);

    /// <summary>Cases counted for the reports page (handlers, GIS staff and admins): the same as GraphQL's caseStatistics.</summary>
    Task<UiReport> CaseStatisticsAsync(UiReportQuery query, CancellationToken cancellationToken);

    /// <summary>Where the reports' days begin (an IANA time zone).</summary>
    string ReportTimeZone { get; }

    /// <summary>Cases counted in square cells, for the reports page's heat map.</summary>
    Task<UiDensity> CaseDensityAsync(UiReportFilter filter, double cellMetres, CancellationToken cancellationToken);

    /// <summary>The districts and other areas of the serving area layers, to choose a report's area from.</summary>
    Task<IReadOnlyList<UiArea>> AreasAsync(CancellationToken cancellationToken);

    /// <summary>The audit trail, newest first, for admins (anyone else is refused on the server).</summary>
    Task<IReadOnlyList<UiAuditEntry>> AuditTrailAsync(string? actor, string? subject, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// What the inbox shows: every field null or false means "any". <see cref="Handler"/> is a person (user:NAME), or
/// "me" and "none". Saved views store it as JSON.
/// </summary>
public sealed record UiInboxFilter
{
    public string? Status { get; init; }

    public string? Category { get; init; }

    public string? Recipient { get; init; }

    public string? Handler { get; init; }

    public int? OlderThanDays { get; init; }

    public bool Overdue { get; init; }

    public bool Failing { get; init; }

    public bool Duplicates { get; init; }

    /// <summary>Within a district or another area (its map object id).</summary>
    public string? Area { get; init; }

    public string? Text { get; init; }

    /// <summary>oldest, newest, urgency or category.</summary>
    public string Order { get; init; } = "oldest";

    public static readonly UiInboxFilter All = new();
}

/// <summary>A page of the inbox, how many cases the filter matches, and the whole inbox's counts.</summary>
public sealed record UiInbox(IReadOnlyList<UiCase> Cases, int Matched, UiInboxCounts Counts)
{
    public static readonly UiInbox Empty = new([], 0, new UiInboxCounts(0, 0, 0, 0, 0, 0, 0, 0));
}

/// <summary>
/// Open cases, and those that need the handler: overdue, failing delivery, nobody working them, one's own, likely
/// duplicates; those newer than the newest the handler saw, and the newest's id.
/// </summary>
public sealed record UiInboxCounts(int Open, int Overdue, int Failing, int Unassigned, int Mine, int Duplicates, int New, long Latest);

/// <summary>A person who works cases, as the timeline names them (user:NAME) and by the name they are shown by.</summary>
public sealed record UiPerson(string Id, string Name);

/// <summary>A handler's saved inbox view.</summary>
public sealed record UiSavedView(string Name, UiInboxFilter Filter);

/// <summary>How to reach a case's reporter.</summary>
public sealed record UiContact(string? Name, string? Email, string? Phone);

/// <summary>One line of the audit trail.</summary>
public sealed record UiAuditEntry(DateTimeOffset At, string Actor, string? Role, string Action, string? Subject, string Detail, string? RemoteAddress);

/// <summary>A case in the inbox (no reporter's contact details).</summary>
public sealed record UiCase(
    long Id, string Number, string Category, string Status, DateTimeOffset CreatedAt, double Lon, double Lat, string? Address,
    string? Description, string? SuggestedTo, string? Assignee, string? ObjectId, string? DeliveryState, string? DeliveryError,
    string? RejectedBy, string? RejectReason, string? DuplicateOf = null, string Language = "en")
{
    /// <summary>The version the page shows: every change the page asks for carries it back.</summary>
    public int Version { get; init; } = 1;

    public string Channel { get; init; } = "other";

    /// <summary>The case's own routing (for its category at its place), as resolved at intake or its latest reroute.</summary>
    public UiSuggestion? Suggestion { get; init; }

    /// <summary>Attempts of the latest forward's delivery so far, and when it is tried next (while pending).</summary>
    public int DeliveryAttempts { get; init; }

    public DateTimeOffset? NextAttemptAt { get; init; }

    public bool AwaitingCitizen { get; init; }

    /// <summary>Every recipient that sent it back, in order.</summary>
    public IReadOnlyList<string> RejectedByAll { get; init; } = [];

    /// <summary>The latest message to the citizen (reply or question by e-mail): pending, delivered or dead, and why.</summary>
    public string? CitizenMessageState { get; init; }

    public string? CitizenMessageError { get; init; }

    /// <summary>The person at the city who works it (username); null while nobody took it.</summary>
    public string? Handler { get; init; }

    /// <summary>When the recipient owes it done (its contract's response time from the forward).</summary>
    public DateTimeOffset? DueAt { get; init; }

    /// <summary>The date the recipient promised.</summary>
    public DateTimeOffset? PromisedAt { get; init; }

    /// <summary>The number of the original this duplicate was merged into.</summary>
    public string? MergedInto { get; init; }

    /// <summary>How many duplicates were merged into this case (their reporters hear when it is done).</summary>
    public int MergedDuplicates { get; init; }

    /// <summary>The citizen's own link to a photo (from their app), as they gave it.</summary>
    public string? MediaUrl { get; init; }
}

/// <summary>An e-mail to a citizen as it will go out.</summary>
public sealed record UiMessagePreview(string Subject, string Body);

/// <summary>A photo attached to a case, served from <see cref="Url"/> under the case's access rules.</summary>
public sealed record UiPhoto(long Id, string Url, string FileName, string AddedBy, DateTimeOffset AddedAt);

/// <summary>
/// A case's own routing suggestion: the recipient and its role, whether it is a fallback, the candidates of a
/// conflict (contractors of competing contracts) and the explanation, one line per step.
/// </summary>
public sealed record UiSuggestion(string? Recipient, string? Role, bool Fallback, IReadOnlyList<string> Candidates, IReadOnlyList<string> Explanation)
{
    /// <summary>The explanation as keys and values (suggestions made before they were stored so have none: then the English).</summary>
    public IReadOnlyList<UiExplanationLine> Lines { get; init; } = [];
}

/// <summary>A forward as the handler chose it: to whom, as which version, a note for the recipient, why (when not the suggestion), and a channel.</summary>
public sealed record UiForward(string Recipient, int ExpectedVersion, string? Note = null, string? Reason = null, string? Channel = null);

/// <summary>A case routed again on purpose: a reason, and a new category, place or object.</summary>
public sealed record UiReroute(string Reason, int ExpectedVersion, string? Category = null, double? Lon = null, double? Lat = null, string? ObjectId = null);

/// <summary>A case a handler takes in: channel phone, walk-in, email or web.</summary>
public sealed record UiNewCase(
    string Category, double Lon, double Lat, string? ObjectId, string? Description, string? Address, string Channel, string Language,
    string? Name, string? Email, string? Phone, bool? Consent, string ClientKey);

/// <summary>A case taken in: its id and number.</summary>
public sealed record UiCaseRef(long Id, string Number);

/// <summary>What a handler searches cases by; every part narrows. Reporter: an e-mail or phone number (audited).</summary>
public sealed record UiCaseSearch(string? Text = null, string? Category = null, string? Status = null, DateOnly? From = null, DateOnly? To = null,
    string? ObjectId = null, string? Reporter = null, int First = 50);

/// <summary>A case in a search result.</summary>
public sealed record UiCaseSummary(long Id, string Number, string Category, string Status, DateTimeOffset CreatedAt, string? Address,
    string? Description, string? Assignee, string? ObjectId, string Channel, string? Resolution);

/// <summary>One case and its whole history.</summary>
public sealed record UiCaseDetail(UiCaseSummary Case, double Lon, double Lat, int Version, string? StatusNotes, string? SuggestedTo, string Language,
    UiSuggestion? Suggestion, IReadOnlyList<UiCaseEvent> Timeline, IReadOnlyList<UiDelivery> Deliveries);

/// <summary>One event of a case's timeline: who, what, when, and its details (JSON).</summary>
public sealed record UiCaseEvent(DateTimeOffset At, string Actor, string Kind, string Data);

/// <summary>One delivery of a case: to whom, how, its state, attempts and last error.</summary>
public sealed record UiDelivery(long Id, string Recipient, string Channel, string State, int Attempts, DateTimeOffset NextAttemptAt, string? LastError,
    DateTimeOffset? DeliveredAt);

/// <summary>A gap (a manager's objects or areas without a contract for the task) or an overlap of two contracts.</summary>
public sealed record UiCoverageArea(string Label, string GeoJson, double Area);

public sealed record UiCoverage(IReadOnlyList<UiCoverageArea> Gaps, IReadOnlyList<UiCoverageArea> Overlaps);

/// <summary>A question the backend could not answer as asked, with a message for the handler.</summary>
public sealed class UiException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>A name in the three languages of the interface; a missing translation falls back by the one rule (<see cref="Languages.Pick"/>).</summary>
public sealed record UiName(string? Fi, string? Sv, string? En)
{
    public string? In(string language) => Languages.Pick(language, Fi, Sv, En);
}

public sealed record UiLayer(string Name, string Kind, int Version, int FeatureCount, DateTimeOffset LoadedAt)
{
    /// <summary>Where the serving version has objects, in WGS84: west, south, east, north; empty when it has no geometry, null when not known.</summary>
    public double[]? Bounds { get; init; }
}

public sealed record UiTaskType(string Code, UiName Name);

public sealed record UiOrganisation(string Key, string Kind, UiName Name)
{
    /// <summary>How cases reach it, of webhook, open311 and email (the first is used unless the handler picks another).</summary>
    public IReadOnlyList<string> Channels { get; init; } = [];
}

/// <summary>An area a report can be limited to: its id (layer:id), name and type (district, management, ...).</summary>
public sealed record UiArea(string Id, string? Name, string? Type);

/// <summary>A map object in an answer or a search result; the geometry is GeoJSON in WGS84, the attributes the source's (JSON).</summary>
public sealed record UiObject(string Id, string Layer, string Kind, string? Type, string? Name, string? Address,
    string? Owner, string? Manager, double? Distance, string GeoJson, string? Attributes = null);

public sealed record UiContract(string Id, string SourceId, string? Name, string? Contractor, DateOnly? ValidFrom, DateOnly? ValidTo);

public sealed record UiSubcontract(string Id, string SourceId, string? Name, string? Subcontractor);

/// <summary>The answer of product contract section 3, ready to show: the stack, the chain, the recipient and why.</summary>
public sealed record UiAnswer(
    IReadOnlyList<UiObject> Stack,
    UiObject? Target,
    string? LandOwner,
    string? Owner,
    string? Manager,
    string ManagerSource,
    UiContract? Contract,
    UiSubcontract? Subcontract,
    string? Recipient,
    string RecipientRole,
    bool IsFallback,
    IReadOnlyList<UiContract> Conflicts,
    IReadOnlyList<string> Explanation,
    string? RecipientCoverageId)
{
    /// <summary>The explanation as keys and values, said in the page's language (<see cref="Explanation"/> is the English).</summary>
    public IReadOnlyList<UiExplanationLine> ExplanationLines { get; init; } = [];
}

/// <summary>One line of an explanation: what it says (a key) and its values (organisation keys, ids, task types, dates, metres).</summary>
public sealed record UiExplanationLine(string Key, IReadOnlyDictionary<string, string> Values);

public enum UiRole { Any, Owner, Manager, Contractor }

public sealed record UiSearch(string? Text, IReadOnlyList<string>? Types, string? Organisation, UiRole Role, DateOnly On, int First = 50);

public sealed record UiSearchResult(IReadOnlyList<UiObject> Items, long Total);

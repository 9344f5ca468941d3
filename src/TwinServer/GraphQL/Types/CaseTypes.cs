using System.Globalization;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseStatusEnum : EnumerationGraphType
{
    public CaseStatusEnum()
    {
        Name = "CaseStatus";
        Description = "Where a case is: received, assigned, forwarded (sent to its recipient), in progress, done, closed, or rejected (sent back by its recipient).";
        foreach (var status in CaseStatus.All) Add(status.ToUpperInvariant(), status);
    }
}

public sealed class CaseType : ObjectGraphType<Case>
{
    public CaseType()
    {
        Name = "Case";
        Description = "A citizen's report (product contract 2): what, where, its routing suggestion, who has it, its status and its timeline.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The case's id.").Resolve(c => c.Source.Id.ToString(CultureInfo.InvariantCulture));
        Field(x => x.ServiceRequestId).Description("Open311's service_request_id: the number the citizen and the recipient know it by.");
        Field(x => x.Category).Description("The task type (Open311 service_code), e.g. graffiti.");
        Field(x => x.Description, nullable: true).Description("What the citizen wrote.");
        Field(x => x.Lon).Description("Longitude (WGS84).");
        Field(x => x.Lat).Description("Latitude (WGS84).");
        Field<NonNullGraphType<GeoJsonGraphType>>("location").Description("The case's point as GeoJSON (WGS84).")
            .Resolve(c => string.Create(CultureInfo.InvariantCulture, $$"""{"type":"Point","coordinates":[{{c.Source.Lon}},{{c.Source.Lat}}]}"""));
        Field(x => x.Address, nullable: true).Description("The address the citizen gave.");
        Field(x => x.MediaUrl, nullable: true).Description("A photo or other media the citizen linked.");
        Field(x => x.Language).Description("The citizen's language (fi, sv or en): replies and e-mails go out in it.");
        Field(x => x.Channel).Description("How the citizen reached the city: open311, phone, walk-in, email, web or other.");
        Field(x => x.Version).Description("Counts the changes a handler or recipient can see: give it back as expectedVersion, and a change refuses a case that moved on since.");
        Field<CaseResolutionEnum>("resolution").Description("How a handler closed it at first contact, if so.").Resolve(c => c.Source.Resolution);
        Field(x => x.AwaitingCitizen).Description("A handler asked the citizen something and waits for the answer.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("rejectedBy")
            .Description("The recipients that sent it back as not theirs, in order (organisation keys).").Resolve(c => c.Source.RejectedBy);
        Field<NonNullGraphType<CaseStatusEnum>>("status").Description("Where the case is.").Resolve(c => c.Source.Status);
        Field(x => x.StatusNotes, nullable: true).Description("The latest note for the citizen (Open311's status_notes).");
        Field(x => x.ObjectId, nullable: true).Description("The map object the case is about (layer:id).");
        Field(x => x.Assignee, nullable: true).Description("The organisation it was forwarded to (key).");
        Field(x => x.SuggestedTo, nullable: true).Description("The recipient suggested at intake or after a move (organisation key).");
        Field(x => x.SuggestedRole, nullable: true).Description("That recipient's role: Subcontractor, Contractor, Manager, Owner, LandOwner or Default.");
        Field<JsonGraphType>("suggestion").Description("The routing suggestion as resolved: recipient, fallback, target, contract, conflicts and the explanation.")
            .Resolve(c => c.Source.Suggestion);
        Field(x => x.CreatedAt).Description("When it came in.");
        Field(x => x.UpdatedAt).Description("When it last changed.");
        Field<ReporterType>("reporter")
            .Description("The reporter's contact details: personal data, shown to handlers and admins only (anyone else gets an error here); every read is in the audit log.")
            .Resolve(c =>
            {
                if (!(c.User?.HandlesCases() ?? false))
                    throw new TwinException(ErrorCodes.Forbidden, "The reporter's contact details are for handlers and admins only.");
                var s = c.Source;
                if (s.Email is null && s.FirstName is null && s.LastName is null && s.Phone is null) return null;
                // Who read which case's personal data: in the audit log when the request has run.
                c.RequestServices!.GetRequiredService<PersonalDataReads>().Read(s.ServiceRequestId);
                return new Reporter(s.Email, s.FirstName, s.LastName, s.Phone, s.ContactConsent);
            });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CaseEventType>>>>("timeline")
            .Description("Every change, oldest first: who, what, when. For handlers and admins.")
            .ResolveAsync(async c =>
            {
                RequireHandler(c, "timeline");
                return await c.RequestServices!.GetRequiredService<CaseStore>().TimelineAsync(c.Source.Id, c.CancellationToken);
            });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DeliveryType>>>>("deliveries")
            .Description("Each delivery to a recipient's channel (and to the citizen), with its state, attempts and last error. For handlers and admins.")
            .ResolveAsync(async c =>
            {
                RequireHandler(c, "deliveries");
                return await c.RequestServices!.GetRequiredService<CaseStore>().DeliveriesAsync(c.Source.Id, c.CancellationToken);
            });
    }

    private static void RequireHandler(IResolveFieldContext c, string field)
    {
        if (!(c.User?.HandlesCases() ?? false)) throw new TwinException(ErrorCodes.Forbidden, $"A case's {field} is for handlers and admins only.");
    }
}

/// <summary>The reporter's contact details (personal data).</summary>
public sealed record Reporter(string? Email, string? FirstName, string? LastName, string? Phone, bool? Consent = null);

public sealed class ReporterType : ObjectGraphType<Reporter>
{
    public ReporterType()
    {
        Name = "Reporter";
        Description = "Who reported a case and how to reach them: personal data.";
        Field(x => x.Email, nullable: true).Description("The address replies and the word that the case is done go to.");
        Field(x => x.FirstName, nullable: true).Description("First name, as given.");
        Field(x => x.LastName, nullable: true).Description("Last name, as given.");
        Field(x => x.Phone, nullable: true).Description("Phone number, as given.");
        Field(x => x.Consent, nullable: true).Description("Whether they agreed to be contacted at these details (noted on a call); null: not asked.");
    }
}

public sealed class CaseEventType : ObjectGraphType<CaseEvent>
{
    public CaseEventType()
    {
        Name = "CaseEvent";
        Description = "One change of a case.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The event's id; events of a case are in the order of their ids.")
            .Resolve(c => c.Source.Id.ToString(CultureInfo.InvariantCulture));
        Field(x => x.At).Description("When.");
        Field(x => x.Actor).Description("Who: key:NAME for a system, handler:..., system, system:auto-forward.");
        Field(x => x.Kind).Description(
            "What: received, suggested, forwarded, delivered, delivery-failed, dead-letter, delivery-retried, status, rejected, replied, asked-citizen, " +
            "moved, rerouted, closed, reopened.");
        Field<NonNullGraphType<JsonGraphType>>("data").Description("The details of the change.").Resolve(c => c.Source.Data);
    }
}

public sealed class DeliveryType : ObjectGraphType<Delivery>
{
    public DeliveryType()
    {
        Name = "CaseDelivery";
        Description = "A delivery of a case through the outbox: to a recipient's webhook, Open311 endpoint or e-mail, or to the citizen.";
        Field(x => x.Recipient).Description("The organisation (key), or citizen.");
        Field(x => x.Channel).Description("webhook, open311, email or citizen-email.");
        Field(x => x.Target).Description("The URL or address it goes to.");
        Field<NonNullGraphType<IdGraphType>>("idempotencyKey").Description("Sent with every attempt, so that the receiver keeps one.")
            .Resolve(c => c.Source.IdempotencyKey.ToString());
        Field(x => x.State).Description("pending, delivered, dead, or cancelled (replaced by a forward elsewhere before it arrived).");
        Field(x => x.Attempts).Description("Attempts made so far.");
        Field(x => x.NextAttemptAt).Description("When it is tried again, while pending (the wait doubles with each failure).");
        Field(x => x.LastError, nullable: true).Description("Why the last attempt failed.");
        Field(x => x.ExternalId, nullable: true).Description("The receiver's own id for the case, if it answered with one.");
        Field(x => x.DeliveredAt, nullable: true).Description("When the receiver took it.");
    }
}

public sealed class CaseFilterInputType : InputObjectGraphType
{
    public CaseFilterInputType()
    {
        Name = "CaseFilter";
        Description = "Which cases: every condition given must hold.";
        Field<ListGraphType<NonNullGraphType<CaseStatusEnum>>>("status").Description("Any of these statuses.");
        Field<StringGraphType>("category").Description("This task type.");
        Field<StringGraphType>("assignee").Description("Forwarded to this organisation (key).");
        Field<StringGraphType>("text").Description("Text in the description or the address.");
        Field<DateTimeOffsetGraphType>("from").Description("Received at or after.");
        Field<DateTimeOffsetGraphType>("to").Description("Received at or before.");
        Field<GeoJsonGraphType>("within").Description("Inside this GeoJSON geometry (WGS84).");
        Field<StringGraphType>("objectId").Description("About this map object (layer:id).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("serviceRequestIds").Description("These case numbers.");
        Field<StringGraphType>("reporter")
            .Description("Reported by this e-mail address or phone number (handlers and admins; personal data: every such search is in the audit log).");
    }
}

public sealed class CreateCaseInputType : InputObjectGraphType
{
    public CreateCaseInputType()
    {
        Name = "CreateCaseInput";
        Description = "A case a handler takes in (by phone, at the desk): what, where, and how to reach the reporter.";
        Field<NonNullGraphType<StringGraphType>>("category").Description("The task type, e.g. graffiti (taskTypes lists them).");
        Field<NonNullGraphType<PointInputType>>("at").Description("Where: a point in any supported CRS.");
        Field<StringGraphType>("objectId").Description("The map object it is about (layer:id), when the handler clicked one.");
        Field<StringGraphType>("description").Description("What the reporter says (at most 10,000 characters).");
        Field<StringGraphType>("address").Description("The address, as the reporter gives it.");
        Field<StringGraphType>("mediaUrl").Description("An http(s) URL of a photo.");
        Field<LanguageEnum>("language").Description("The reporter's language (default EN).");
        Field<CaseChannelEnum>("channel").Description("How the citizen reached the city (default OTHER): PHONE for a call, WALK_IN, EMAIL, ...");
        Field<ReporterInputType>("reporter").Description("The reporter's contact details, if they want an answer.");
        Field<StringGraphType>("clientKey").Description("A key of the caller's own: a retried createCase with the same key gives the same case.");
    }
}

public sealed class ReporterInputType : InputObjectGraphType
{
    public ReporterInputType()
    {
        Name = "ReporterInput";
        Description = "How to reach the reporter (personal data: only handlers and admins see it again).";
        Field<StringGraphType>("email").Description("An e-mail address for the answer.");
        Field<StringGraphType>("firstName").Description("First name.");
        Field<StringGraphType>("lastName").Description("Last name.");
        Field<StringGraphType>("phone").Description("Phone number.");
        Field<BooleanGraphType>("consent").Description("Whether they agree to be contacted at these details.");
    }
}

public sealed class CreateCaseResultType : ObjectGraphType<(Case Case, bool Created)>
{
    public CreateCaseResultType()
    {
        Name = "CreateCaseResult";
        Description = "The case taken in, and whether this call made it.";
        Field<NonNullGraphType<CaseType>>("case").Description("The case, with its routing suggestion.").Resolve(c => c.Source.Case);
        Field<NonNullGraphType<BooleanGraphType>>("created").Description("False when the clientKey was used before: the case is the one made then.")
            .Resolve(c => c.Source.Created);
    }
}

public sealed class AuditEntryType : ObjectGraphType<AuditEntry>
{
    public AuditEntryType()
    {
        Name = "AuditEntry";
        Description = "One line of the audit trail: a sign-in, a read of personal data, a change to a case, a layer, a user or a key.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Where it is kept and its id there: log:N, case:N (a case's timeline) or layer:N (an import).")
            .Resolve(c => c.Source.Id);
        Field(x => x.At).Description("When.");
        Field(x => x.Actor).Description("Who: user:NAME, key:NAME, cli:USER (the local operator), system.");
        Field(x => x.Role, nullable: true).Description("The role they acted in, where known.");
        Field(x => x.Action).Description("What: signed-in, sign-in-refused, read-personal-data, case-forwarded, layer-imported, user-added, key-revoked, ...");
        Field(x => x.Subject, nullable: true).Description("What it was about: case:NUMBER, layer:NAME, a username or a key.");
        Field<NonNullGraphType<JsonGraphType>>("detail").Description("The details.").Resolve(c => c.Source.Detail);
        Field(x => x.RemoteAddress, nullable: true).Description("The address the request came from, where known.");
    }
}

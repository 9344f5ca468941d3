using System.Globalization;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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
        Field<StringGraphType>("mergedInto").Description("The number of the original this duplicate was merged into; null when it is not a merged duplicate.")
            .ResolveAsync(async c => c.Source.MergedInto is { } id
                ? (await c.RequestServices!.GetRequiredService<CaseStore>().GetAsync(id, c.CancellationToken))?.ServiceRequestId
                : null);
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
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CasePhotoType>>>>("photos")
            .Description("Photos attached to the case, oldest first: for whoever may read the case (its contractor too).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<CaseStore>().PhotosAsync(c.Source.Id, c.CancellationToken));
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

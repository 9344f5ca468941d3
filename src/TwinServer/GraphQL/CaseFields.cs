using System.Globalization;
using System.Security.Claims;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.GraphQL.Types;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Cases in GraphQL (product contract 4): <c>cases</c> and <c>case</c>, and the mutations. Who may: handlers and admins, every
/// case with its reporter's contact details; a contractor's key, only the cases forwarded to its organisation, without
/// contact details, and only to report progress or send a case back; nobody else. A case another contractor has is
/// answered as if it did not exist.
/// </summary>
internal static class CaseFields
{
    public const int DefaultPageSize = 100, MaxPageSize = 1000;

    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CaseType>>>>("cases")
            .Description($"Cases by the filter, newest first (handlers and admins: all; a contractor: those forwarded to it). At most {MaxPageSize}.")
            .Argument<CaseFilterInputType>("filter", "Which cases.")
            .Argument<IntGraphType>("first", $"How many (default {DefaultPageSize}, at most {MaxPageSize}).")
            .ResolveAsync(async c =>
            {
                var caller = CaseReader(c);
                var f = c.GetArgument<Dictionary<string, object?>?>("filter") ?? [];
                var first = c.GetArgument<int?>("first") ?? DefaultPageSize;
                if (first is < 1 or > MaxPageSize) throw new TwinException(ErrorCodes.BadPageSize, $"first must be 1 to {MaxPageSize}; it was {first}.");
                var assignee = f.GetValueOrDefault("assignee") as string;
                // A contractor sees its own cases, whatever assignee it asks for.
                if (caller.ContractorOrganisation() is { } own)
                {
                    if (assignee is not null && assignee != own) return Array.Empty<Case>();
                    assignee = own;
                }
                var filter = new CaseFilter
                {
                    Statuses = (f.GetValueOrDefault("status") as IEnumerable<object?>)?.OfType<string>().ToList(),
                    Category = f.GetValueOrDefault("category") as string,
                    Assignee = assignee,
                    Text = f.GetValueOrDefault("text") as string,
                    From = f.GetValueOrDefault("from") as DateTimeOffset?,
                    To = f.GetValueOrDefault("to") as DateTimeOffset?,
                    ServiceRequestIds = (f.GetValueOrDefault("serviceRequestIds") as IEnumerable<object?>)?.OfType<string>().ToList(),
                    ObjectId = f.GetValueOrDefault("objectId") as string,
                    Within = f.GetValueOrDefault("within") as string,
                    Reporter = f.GetValueOrDefault("reporter") as string,
                    Limit = first,
                };
                if (filter.Reporter is { } reporter)
                {
                    // A search by a person's contact details is a use of personal data: handlers only, and in the audit log first.
                    if (!caller.HandlesCases()) throw new TwinException(ErrorCodes.Forbidden, "Searching by the reporter is for handlers and admins only.");
                    await c.RequestServices!.GetRequiredService<AuditLog>().WriteAsync(caller, "searched-personal-data", null, new { reporter, via = "graphql" },
                        null, c.CancellationToken);
                }
                return await Store(c).ListAsync(filter, c.CancellationToken);
            });

        query.Field<CaseType>("case")
            .Description("One case by its id or its number (service_request_id); null if there is none the caller may see.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number, e.g. 2026-000123.")
            .ResolveAsync(async c =>
            {
                var caller = CaseReader(c);
                var found = await FindAsync(c, c.GetArgument<string>("id"));
                return found is not null && Sees(caller, found) ? found : null;
            });
    }

    /// <summary>The mutations of cases.</summary>
    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CreateCaseResultType>>("createCase")
            .Description("Takes a case in (handlers and admins): a call, a visit, an e-mail; with its routing suggestion. A retry with the same clientKey gives the same case.")
            .Argument<NonNullGraphType<CreateCaseInputType>>("input", "The case.")
            .ResolveAsync(async c =>
            {
                var caller = Handler(c);
                var input = c.GetArgument<Dictionary<string, object?>>("input");
                var at = (Dictionary<string, object?>)input["at"]!;
                var reporter = input.GetValueOrDefault("reporter") as Dictionary<string, object?> ?? [];
                static string? Text(Dictionary<string, object?> d, string name) => d.GetValueOrDefault(name) as string;
                var store = Store(c);
                var (lon, lat) = await store.ToLonLatAsync(Query.Number(at["x"]), Query.Number(at["y"]), Query.Srid(at.GetValueOrDefault("crs"), "input.at.crs"), c.CancellationToken);
                var language = input.GetValueOrDefault("language") is Catalog.Language l ? l.ToString().ToLowerInvariant() : "en";
                var channel = input.GetValueOrDefault("channel") as string ?? CaseChannel.Other;
                // What the handler's tools sent, as they sent it; what it may hold is CaseIntake's to say, as for every channel.
                var created = await c.RequestServices!.GetRequiredService<CaseIntake>().TakeInAsync(new NewCase(
                    (string)input["category"]!, lon, lat, Text(input, "description"), Text(input, "address"), Text(input, "mediaUrl"), Text(reporter, "email"),
                    Text(reporter, "firstName"), Text(reporter, "lastName"), Text(reporter, "phone"), language, channel, Text(input, "clientKey"),
                    Text(input, "objectId"), reporter.GetValueOrDefault("consent") as bool?), IntakeFields.GraphQL, caller.AsActor(), c.CancellationToken);
                return ((await store.GetAsync(created.Id, c.CancellationToken))!, created.Created);
            });

        mutation.Field<NonNullGraphType<CaseType>>("forwardCase")
            .Description(
                "Forwards a case (handlers and admins) to the recipient the handler saw, as the version of the case they saw: refused with STALE_CASE " +
                "(and the case's state now) when the case changed since. A recipient other than the suggested one needs a reason, as does a recipient " +
                "that sent the case back, and a new recipient or channel for a forward whose delivery has not arrived (that delivery is cancelled).")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<StringGraphType>>("recipient", "The organisation (key) shown as the recipient.")
            .Argument<NonNullGraphType<IntGraphType>>("expectedVersion", "The case's version as shown (Case.version).")
            .Argument<StringGraphType>("note", "A note for the recipient: it goes with the case and is on the timeline.")
            .Argument<StringGraphType>("reason", "Why it goes to someone other than the suggested recipient (kept on the timeline).")
            .Argument<DeliveryChannelEnum>("channel", "One of the recipient's channels (default its first: webhook, Open311, e-mail).")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) => store.ForwardAsync(found.Id,
                new ForwardRequest(c.GetArgument<string>("recipient"), c.GetArgument<int>("expectedVersion"), c.GetArgument<string?>("note"),
                    c.GetArgument<string?>("reason"), c.GetArgument<string?>("channel")), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("setCaseStatus")
            .Description(
                "Sets a case's status: handlers and admins any; the case's recipient (a contractor's key) IN_PROGRESS or DONE, with its own updateId " +
                "so that a retry is applied once. DONE tells the citizen by e-mail.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<CaseStatusEnum>>("status", "The new status.")
            .Argument<StringGraphType>("note", "A note for the citizen (Open311's status_notes).")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .Argument<StringGraphType>("updateId", "A recipient's own id of this update: a repeated one changes nothing.")
            .Argument<DateTimeOffsetGraphType>("promisedFor", "With an updateId: the date the recipient promises it done by (shown to the handler, and as Open311's expected_datetime).")
            .ResolveAsync(c => Change(c, CaseReader(c), async (store, found, actor) =>
            {
                var (status, note) = (c.GetArgument<string>("status"), c.GetArgument<string?>("note"));
                if (c.GetArgument<string?>("updateId") is { } updateId && actor.Organisation is { } organisation)
                    await store.ApplyRecipientUpdateAsync(found.Id, organisation, updateId, status, note, actor, c.CancellationToken, c.GetArgument<DateTimeOffset?>("promisedFor"));
                else await store.SetStatusAsync(found.Id, status, note, c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<CaseType>>("rejectCase")
            .Description("Not ours: the case's recipient (or a handler) sends it back with a reason; it returns to the handlers' inbox, marked.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<StringGraphType>>("reason", "Why.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .Argument<StringGraphType>("updateId", "A recipient's own id of this update: a repeated one changes nothing.")
            .ResolveAsync(c => Change(c, CaseReader(c), async (store, found, actor) =>
            {
                var reason = c.GetArgument<string>("reason");
                if (c.GetArgument<string?>("updateId") is { } updateId && actor.Organisation is { } organisation)
                    await store.ApplyRecipientUpdateAsync(found.Id, organisation, updateId, CaseStatus.Rejected, reason, actor, c.CancellationToken);
                else await store.RejectAsync(found.Id, reason, c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<CaseType>>("replyToCitizen")
            .Description("The handler's reply to the citizen: the case's note in Open311, and an e-mail in their language if they left an address (see deliveries for whether it went).")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<StringGraphType>>("text", "The reply (1 to 4,000 characters).")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) =>
                store.ReplyAsync(found.Id, c.GetArgument<string>("text"), c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("askCitizen")
            .Description("Sends the case back to the citizen with a question (their note in Open311, and an e-mail where they left an address); it waits, marked, until the handler acts on it.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<StringGraphType>>("question", "What the handler needs to know.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) =>
                store.AskCitizenAsync(found.Id, c.GetArgument<string>("question"), c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("closeCase")
            .Description("Answers and closes a case at first contact, without a forward (not the city's, already fixed, passed to the state, answered, a duplicate): resolved at first contact in the reports.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<CaseResolutionEnum>>("resolution", "How it was resolved.")
            .Argument<StringGraphType>("answer", "The answer to the citizen: their note in Open311, and an e-mail where they left an address.")
            .Argument<StringGraphType>("duplicateOf", "For DUPLICATE: the number of the case it repeats.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) => store.CloseAtFirstContactAsync(found.Id, c.GetArgument<string>("resolution"),
                c.GetArgument<string?>("answer"), c.GetArgument<string?>("duplicateOf"), c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("reopenCase")
            .Description("Takes a done or closed case up again (the citizen says it is not fixed): back in the inbox with the reason.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<StringGraphType>>("reason", "Why.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) =>
                store.ReopenAsync(found.Id, c.GetArgument<string>("reason"), c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("unmergeCase")
            .Description("Undoes a merge: a duplicate closed into its original becomes a case of its own again, back in the inbox; both timelines say so.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The duplicate's id or number.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) =>
                store.UnmergeAsync(found.Id, c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));

        mutation.Field<NonNullGraphType<CaseType>>("moveCase")
            .Description("Moves a case not yet forwarded (the citizen's geotag was off); its suggestion is made again at the new point.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<PointInputType>>("at", "The new point.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), async (store, found, actor) =>
            {
                var at = c.GetArgument<Dictionary<string, object?>>("at");
                var (lon, lat) = await store.ToLonLatAsync(Query.Number(at["x"]), Query.Number(at["y"]), Query.Srid(at.GetValueOrDefault("crs"), "at.crs"), c.CancellationToken);
                await store.RerouteAsync(found.Id, new RerouteRequest("", c.GetArgument<int?>("expectedVersion"), Lon: lon, Lat: lat), actor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<CaseType>>("rerouteCase")
            .Description(
                "Routes a case not yet forwarded (or sent back) again on purpose: another category, place or object, with a reason on the timeline. " +
                "The suggestion and its explanation are made again; nothing is sent until the handler forwards.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<NonNullGraphType<IntGraphType>>("expectedVersion", "The case's version as shown.")
            .Argument<NonNullGraphType<StringGraphType>>("reason", "Why (kept on the timeline).")
            .Argument<StringGraphType>("category", "The new category (task type).")
            .Argument<PointInputType>("at", "The new place.")
            .Argument<StringGraphType>("objectId", "The map object it is about now (layer:id).")
            .ResolveAsync(c => Change(c, Handler(c), async (store, found, actor) =>
            {
                double? lon = null, lat = null;
                if (c.GetArgument<Dictionary<string, object?>?>("at") is { } at)
                    (lon, lat) = await store.ToLonLatAsync(Query.Number(at["x"]), Query.Number(at["y"]), Query.Srid(at.GetValueOrDefault("crs"), "at.crs"), c.CancellationToken);
                await store.RerouteAsync(found.Id, new RerouteRequest(c.GetArgument<string>("reason"), c.GetArgument<int>("expectedVersion"),
                    c.GetArgument<string?>("category"), lon, lat, c.GetArgument<string?>("objectId")), actor, c.CancellationToken);
            }));

        mutation.Field<NonNullGraphType<CaseType>>("retryDeliveries")
            .Description("Tries a case's failing deliveries again now (to its recipient and to the citizen), a dead one too, with a fresh count of attempts.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The case's id or number.")
            .Argument<IntGraphType>("expectedVersion", "The case's version as shown: refused with STALE_CASE when it changed since.")
            .ResolveAsync(c => Change(c, Handler(c), (store, found, actor) =>
                store.RetryDeliveriesAsync(found.Id, c.GetArgument<int?>("expectedVersion"), actor, c.CancellationToken)));
    }

    /// <summary>Runs a change on a case the caller may see, and answers with the case as it is after it.</summary>
    private static async Task<object?> Change<T>(IResolveFieldContext c, ClaimsPrincipal caller, Func<CaseStore, Case, Actor, Task<T>> change)
    {
        var found = await FindAsync(c, c.GetArgument<string>("id"));
        if (found is null || !Sees(caller, found)) throw new TwinException(ErrorCodes.UnknownCase, $"There is no case '{c.GetArgument<string>("id")}'.");
        var store = Store(c);
        await change(store, found, caller.AsActor());
        return await store.GetAsync(found.Id, c.CancellationToken);
    }

    private static Task<object?> Change(IResolveFieldContext c, ClaimsPrincipal caller, Func<CaseStore, Case, Actor, Task> change) =>
        Change(c, caller, async (store, found, actor) =>
        {
            await change(store, found, actor);
            return true;
        });

    private static bool Sees(ClaimsPrincipal caller, Case found) => caller.HandlesCases() || (caller.ContractorOrganisation() is { } own && found.Assignee == own);

    private static async Task<Case?> FindAsync(IResolveFieldContext c, string id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? await Store(c).GetAsync(number, c.CancellationToken)
            : await Store(c).FindAsync(id, c.CancellationToken);

    /// <summary>Handlers, admins and contractors read cases; anyone else is refused.</summary>
    private static ClaimsPrincipal CaseReader(IResolveFieldContext c)
    {
        var caller = SignedIn(c);
        if (!caller.HandlesCases() && caller.ContractorOrganisation() is null)
            throw new TwinException(ErrorCodes.Forbidden, "Cases are for handlers, admins and the contractors they are sent to.");
        return caller;
    }

    private static ClaimsPrincipal Handler(IResolveFieldContext c)
    {
        var caller = SignedIn(c);
        if (!caller.HandlesCases()) throw new TwinException(ErrorCodes.Forbidden, "Only handlers and admins may do this.");
        return caller;
    }

    private static ClaimsPrincipal SignedIn(IResolveFieldContext c) =>
        c.User is { } user && user.IsSignedIn() ? user
            : throw new TwinException(ErrorCodes.Unauthenticated, "Cases need a key: Authorization: Bearer KEY (or X-Api-Key: KEY).");

    private static CaseStore Store(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<CaseStore>();
}

using System.Globalization;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Errors;
using Microsoft.Extensions.Primitives;

namespace DigitalTwin.Server.Open311;

/// <summary>
/// Open311 GeoReport v2 under <c>/open311/v2/</c> (product contract section 4): discovery, services from our task types,
/// service definitions, requests (POST with an api_key; GET with the specification's filters and 90-day window),
/// one request, and the status updates of recipients' systems in FixMyStreet's shape. JSON or XML, as the path's
/// extension says; errors in the specification's body with its status codes. No reporter's contact ever goes out.
/// Helsinki's extensions (CitySDK's, as its feedback API has them; see
/// github.com/City-of-Helsinki/issues-example and 6aika/api-palaute): <c>service_object_id</c> and
/// <c>service_object_type</c> on a post and as filters, <c>bbox</c>, <c>lat</c>/<c>long</c>/<c>radius</c>, and
/// <c>extensions=true</c> for each request's <c>extended_attributes</c>.
/// </summary>
internal static class Open311Endpoints
{
    private const string Base = "/open311/v2";

    /// <summary>
    /// What service_object_type says of our objects' ids (layer:source_id): the namespace of the id, as Helsinki's
    /// names its register (e.g. http://www.hel.fi/servicemap/v2).
    /// </summary>
    private const string ObjectType = "digitaltwin:map-object";
    private static readonly TimeSpan Window = TimeSpan.FromDays(90);

    public static void MapTwinOpen311(this IEndpointRouteBuilder app)
    {
        app.MapGet(Base + "/discovery.{format}", (HttpContext http, string format) => Answer(http, format, () => Task.FromResult(Discovery(http))));
        app.MapGet(Base + "/services.{format}", (HttpContext http, string format, string? locale, CatalogStore catalog, CancellationToken ct) =>
            Answer(http, format, async () => Services(await catalog.TaskTypesAsync(ct), locale)));
        app.MapGet(Base + "/services/{code}.{format}", (HttpContext http, string code, string format, CatalogStore catalog, CancellationToken ct) =>
            Answer(http, format, async () => ServiceDefinition(await catalog.TaskTypesAsync(ct), code)));
        app.MapPost(Base + "/requests.{format}", (HttpContext http, string format, CaseIntake intake, ApiKeys keys, CancellationToken ct) =>
            Answer(http, format, () => PostRequestAsync(http, intake, keys, ct))).RequireRateLimiting(Access.Hardening.Open311PostLimit);
        app.MapGet(Base + "/requests.{format}", (HttpContext http, string format, CaseStore cases, CatalogStore catalog, CancellationToken ct) =>
            Answer(http, format, () => ListRequestsAsync(http.Request.Query, cases, catalog, ct)));
        app.MapGet(Base + "/requests/{id}.{format}", (HttpContext http, string id, string format, CaseStore cases, CatalogStore catalog, CancellationToken ct) =>
            Answer(http, format, async () => await cases.FindAsync(id, ct) is { } found
                ? new Open311Document("service_requests", "request", [Request(found, await catalog.TaskTypesAsync(ct), Extensions(http.Request.Query["extensions"]))])
                : throw new TwinException(ErrorCodes.UnknownCase, $"There is no service request '{id}'.")));
        app.MapGet(Base + "/servicerequestupdates.{format}", (HttpContext http, string format, CaseStore cases, CancellationToken ct) =>
            Answer(http, format, () => ListUpdatesAsync(http.Request.Query, cases, ct)));
        app.MapPost(Base + "/servicerequestupdates.{format}", (HttpContext http, string format, CaseStore cases, ApiKeys keys, CancellationToken ct) =>
            Answer(http, format, () => PostUpdateAsync(http, cases, keys, ct)));
    }

    /// <summary>
    /// Runs an Open311 operation and answers in the specification's terms: a bad format is 404 (no such document),
    /// text that could not be stored or written is refused with BAD_TEXT before the operation sees it, and every
    /// refusal, the operation's own or the form's, is the specification's error body (<see cref="Open311Errors"/>).
    /// </summary>
    private static async Task<IResult> Answer(HttpContext http, string format, Func<Task<Open311Document>> operation)
    {
        if (format is not ("json" or "xml"))
            return Open311Errors.Of(new TwinException(ErrorCodes.UnknownFormat, $"Open311 answers in .json or .xml, not .{format}."), "json");
        try
        {
            if (await UnwritableTextAsync(http) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
            return (await operation()).ToResult(format);
        }
        catch (TwinException e)
        {
            return Open311Errors.Of(e, format);
        }
        catch (BadHttpRequestException e)
        {
            return Open311Errors.Of(TwinException.Unreadable(e), format);
        }
        catch (InvalidDataException e)
        {
            return Open311Errors.Of(new TwinException(ErrorCodes.MalformedRequest, $"The form could not be read: {e.Message}"), format);
        }
    }

    /// <summary>
    /// Why the request carries text that could not be stored or written out again (TextRules: NUL, other control
    /// characters, broken surrogates), or null: every query parameter, value of the path, form field and the
    /// Idempotency-Key header, names and values, checked before any of it is read. Each route then meets only text
    /// PostgreSQL can hold (a NUL in service_code was a 500) and stores only text every feed can write (one control
    /// character in a description made requests.xml fail for everyone).
    /// </summary>
    private static async Task<string?> UnwritableTextAsync(HttpContext http)
    {
        static string? In(IEnumerable<KeyValuePair<string, StringValues>> fields, string where) => fields
            .Select(f => TextRules.Problem($"The name of a {where}", f.Key) ?? f.Value.Select(v => TextRules.Problem($"{f.Key} ({where})", v)).FirstOrDefault(p => p is not null))
            .FirstOrDefault(p => p is not null);
        var request = http.Request;
        var problem = In(request.Query, "query parameter")
            ?? In(request.RouteValues.Select(r => KeyValuePair.Create(r.Key, new StringValues(r.Value as string))), "path")
            ?? In(request.Headers.Where(h => h.Key.Equals("Idempotency-Key", StringComparison.OrdinalIgnoreCase)), "header");
        if (problem is null && HttpMethods.IsPost(request.Method) && request.HasFormContentType)
        {
            try
            {
                problem = In(await request.ReadFormAsync(http.RequestAborted), "form field");
            }
            catch (InvalidDataException e) when (e.InnerException is InvalidOperationException)
            {
                // ASP.NET's URL decoder will not decode %00 in a form-encoded body (nor Kestrel in a path): the one
                // character it refuses is the one PostgreSQL cannot store either.
                problem = "A form field holds a NUL character (%00); text may hold tab and line breaks but no other control characters.";
            }
        }
        return problem;
    }

    private static Open311Document Discovery(HttpContext http)
    {
        var url = $"{http.Request.Scheme}://{http.Request.Host}{Base}";
        IReadOnlyList<(string, object?)> endpoint = [("specification", "http://wiki.open311.org/GeoReport_v2"), ("url", url),
            ("changeset", "2026-11-24T00:00:00+00:00"), ("type", "production"), ("formats", new[] { "application/json", "text/xml" })];
        // One object, as the Service Discovery specification has it: <discovery> with its fields, never a list of them.
        return Open311Document.Single("discovery",
            [("changeset", "2026-11-24T00:00:00+00:00"), ("contact", "The city's contact centre"), ("key_service", "Keys are issued by the city's GIS and IT staff (./twin key add)."),
             ("endpoints", new[] { endpoint })]);
    }

    private static Open311Document Services(IReadOnlyList<TaskType> taskTypes, string? locale) => new("services", "service",
        [.. taskTypes.Select(t => (IReadOnlyList<(string, object?)>)[
            ("service_code", t.Code), ("service_name", t.Name.In(Names(LanguageOf(locale))) ?? t.Code), ("description", t.Name.In(Names(LanguageOf(locale))) ?? t.Code),
            ("metadata", false), ("type", "realtime"), ("keywords", t.Code.Replace('-', ',')), ("group", "maintenance")])]);

    private static Open311Document ServiceDefinition(IReadOnlyList<TaskType> taskTypes, string code) =>
        taskTypes.Any(t => t.Code == code)
            ? Open311Document.Single("service_definition", [("service_code", code), ("attributes", Array.Empty<IReadOnlyList<(string, object?)>>())])
            : throw new TwinException(ErrorCodes.UnknownService, $"There is no service '{code}'; services.json lists them.", StatusCodes.Status404NotFound);

    private static async Task<Open311Document> PostRequestAsync(HttpContext http, CaseIntake intake, ApiKeys keys, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
            throw new TwinException(ErrorCodes.UnsupportedMediaType, "Post the request form-encoded (application/x-www-form-urlencoded or multipart/form-data).", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        var key = await keys.FindAsync(form["api_key"], ct);
        if (key is null || key.Role != TwinRoles.CitizenApp) throw new TwinException(ErrorCodes.Forbidden, "A valid api_key of a citizen app is required to post requests.");

        // The form as the citizen app wrote it; what it may hold is CaseIntake's to say, as for every channel.
        string? Field(string name) => form[name] is { Count: > 0 } v && !string.IsNullOrWhiteSpace(v[0]) ? v[0]!.Trim() : null;
        if (Field("lat") is not { } latText || Field("long") is not { } lonText)
        {
            throw new TwinException(ErrorCodes.BadPoint, Field("address_string") is not null || Field("address_id") is not null
                ? "Give the location as lat and long: addresses without coordinates are not geocoded here."
                : "lat and long are required.");
        }
        if (!double.TryParse(latText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lat) || lat is < -90 or > 90 || double.IsNaN(lat))
            throw new TwinException(ErrorCodes.BadPoint, $"lat must be a latitude in degrees (-90 to 90); it was '{latText}'.");
        if (!double.TryParse(lonText, NumberStyles.Float, CultureInfo.InvariantCulture, out var lon) || lon is < -180 or > 180 || double.IsNaN(lon))
            throw new TwinException(ErrorCodes.BadPoint, $"long must be a longitude in degrees (-180 to 180); it was '{lonText}'.");

        // One case for a retried post: the Idempotency-Key header, else the device or account id with the client's
        // own request key (client_request_id), as apps that cannot set headers send it. The same key with another
        // request is refused by the case store (422), which compares what each was taken in with.
        var (headerKey, keyProblem) = IdempotencyKeyHeader.Read(http.Request.Headers[IdempotencyKeyHeader.Name]);
        if (keyProblem is not null) throw new TwinException(ErrorCodes.BadIdempotencyKey, keyProblem);
        var idempotency = headerKey ?? (Field("client_request_id") is { } clientKey ? $"{Field("device_id") ?? Field("account_id") ?? ""}/{clientKey}" : null);

        // Helsinki's service_object_id: the object the report is about (ours are layer:id), which routing then targets.
        var objectId = Field("service_object_id");
        if (objectId is not null && Field("service_object_type") is { } type && type != ObjectType)
            throw new TwinException(ErrorCodes.BadInput, $"service_object_type '{type}' is not one we know; ours is {ObjectType} (service_object_id is layer:id).");
        var created = await intake.TakeInAsync(new NewCase(Field("service_code") ?? "", lon, lat, Field("description"), Field("address_string"), Field("media_url"),
            Field("email"), Field("first_name"), Field("last_name"), Field("phone"), LanguageOf(Field("locale") ?? http.Request.Headers.AcceptLanguage.ToString()),
            CaseChannel.Open311, idempotency, objectId), IntakeFields.Open311, key.Actor, ct);
        return new Open311Document("service_requests", "request",
            [[("service_request_id", created.ServiceRequestId), ("service_notice", "Thank you; the case has been received."), ("account_id", null)]]);
    }

    /// <summary>A W3C date-time as Open311 writes them (start_date, end_date, expected_datetime); null when not given.</summary>
    private static DateTimeOffset? W3CDate(string name, string? text) => text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date) && date.Year is >= 1900 and <= 2200 ? date
        : throw new TwinException(ErrorCodes.BadDate, $"{name} must be a W3C date-time between the years 1900 and 2200, e.g. 2026-11-24T08:00:00Z; it was '{text}'.");

    private static string? Param(IQueryCollection query, string name) => query[name] is { Count: > 0 } v && !string.IsNullOrWhiteSpace(v[0]) ? v[0] : null;

    /// <summary>start_date and end_date as the lists take them: W3C date-times, in order, at most 90 days apart (each may be missing).</summary>
    private static (DateTimeOffset? Start, DateTimeOffset? End) Period(IQueryCollection query)
    {
        var (start, end) = (W3CDate("start_date", Param(query, "start_date")), W3CDate("end_date", Param(query, "end_date")));
        if (start > end) throw new TwinException(ErrorCodes.BadPeriod, "start_date is after end_date.");
        if (end - start > Window) throw new TwinException(ErrorCodes.BadPeriod, "start_date and end_date may be at most 90 days apart.");
        return (start, end);
    }

    private static async Task<Open311Document> ListRequestsAsync(IQueryCollection query, CaseStore cases, CatalogStore catalog, CancellationToken ct)
    {
        var ids = Param(query, "service_request_id")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var (start, end) = Period(query);
        // Without dates, the last 90 days; with one, 90 days from or to it (service_request_id ignores the window).
        if (ids is null)
        {
            end ??= start is { } s ? s + Window : cases.Now;
            start ??= end - Window;
        }
        var statuses = Param(query, "status") switch
        {
            null => null,
            var s => s.Split(',', StringSplitOptions.TrimEntries).SelectMany(x => x switch
            {
                "open" => CaseStatus.All.Where(CaseStatus.IsOpen).Append(CaseStatus.Rejected),
                "closed" => [CaseStatus.Done, CaseStatus.Closed],
                _ => throw new TwinException(ErrorCodes.BadStatus, $"status is open or closed; it was '{x}'."),
            }).Distinct().ToList(),
        };
        // Helsinki's extensions (CitySDK): bbox, lat/long/radius, service_object_id, and extensions=true for more per request.
        double Number(string name, string text, double min, double max, string what) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= min && n <= max ? n
                : throw new TwinException(ErrorCodes.BadFilter, $"{name} must be {what}; it was '{text}'.");
        (double, double, double, double)? bbox = null;
        if (Param(query, "bbox") is { } box)
        {
            var parts = box.Split(',', StringSplitOptions.TrimEntries);
            if (parts.Length != 4)
                throw new TwinException(ErrorCodes.BadBbox, $"bbox is four numbers, min_long,min_lat,max_long,max_lat (WGS84 degrees, e.g. 18.07,59.30,18.08,59.31); it was '{box}'.");
            var (west, south, east, north) = (Number("bbox min_long", parts[0], -180, 180, "a longitude from -180 to 180"),
                Number("bbox min_lat", parts[1], -90, 90, "a latitude from -90 to 90"), Number("bbox max_long", parts[2], -180, 180, "a longitude from -180 to 180"),
                Number("bbox max_lat", parts[3], -90, 90, "a latitude from -90 to 90"));
            if (west >= east || south >= north) throw new TwinException(ErrorCodes.BadBbox, "bbox's minimums must be below its maximums: min_long,min_lat,max_long,max_lat.");
            bbox = (west, south, east, north);
        }
        (double, double, double)? near = null;
        var (latParam, longParam, radiusParam) = (Param(query, "lat"), Param(query, "long"), Param(query, "radius"));
        if (latParam is not null || longParam is not null || radiusParam is not null)
        {
            string[] missing = [.. new[] { ("lat", latParam), ("long", longParam), ("radius", radiusParam) }.Where(p => p.Item2 is null).Select(p => p.Item1)];
            if (missing.Length > 0)
                throw new TwinException(ErrorCodes.BadNear, $"lat, long and radius go together (a WGS84 point and metres from it); {string.Join(" and ", missing)} {(missing.Length == 1 ? "is" : "are")} missing.");
            near = (Number("long", longParam!, -180, 180, "a longitude from -180 to 180"), Number("lat", latParam!, -90, 90, "a latitude from -90 to 90"),
                Number("radius", radiusParam!, 0, CaseFilter.MaxRadiusMetres,
                    $"in metres, at most {CaseFilter.MaxRadiusMetres.ToString("N0", CultureInfo.InvariantCulture)} and not negative"));
        }
        if (Param(query, "service_object_type") is { } objectType && objectType != ObjectType)
            throw new TwinException(ErrorCodes.BadFilter, $"service_object_type '{objectType}' is not one we know; ours is {ObjectType} (service_object_id is layer:id).");
        var extensions = Extensions(query["extensions"]);
        var found = await cases.ListAsync(new CaseFilter
        {
            ServiceRequestIds = ids, Statuses = statuses, Category = Param(query, "service_code"), From = ids is null ? start : null, To = ids is null ? end : null,
            ObjectId = Param(query, "service_object_id"), Bbox = bbox, Near = near, Limit = 1000,
        }, ct);
        var taskTypes = await catalog.TaskTypesAsync(ct);
        return new Open311Document("service_requests", "request", [.. found.Select(c => Request(c, taskTypes, extensions))]);
    }

    /// <summary>Helsinki's <c>extensions</c>: true (or all, or citysdk, the extension we have) adds each request's extended attributes.</summary>
    private static bool Extensions(StringValues value) => value.ToString().Trim().ToLowerInvariant() switch
    {
        "" or "false" or "0" => false,
        "true" or "1" or "all" or "citysdk" => true,
        var other => throw new TwinException(ErrorCodes.BadFilter, $"extensions is true or false; it was '{other}'."),
    };

    /// <summary>A case as Open311 shows it to anyone: no contact details of the reporter.</summary>
    private static IReadOnlyList<(string, object?)> Request(Case c, IReadOnlyList<TaskType> taskTypes, bool extensions = false) =>
    [
        .. Standard(c, taskTypes),
        .. extensions
            ? new (string, object?)[]
            {
                // Helsinki's extended attributes: the object the request is about, the detailed status (ours, in capitals,
                // as Helsinki writes its own), a title (we take none: the service's name), the media as a list.
                ("extended_attributes", new Open311Object(
                [
                    ("service_object_id", c.ObjectId), ("service_object_type", c.ObjectId is null ? null : ObjectType),
                    ("detailed_status", c.Status.ToUpperInvariant()),
                    ("title", taskTypes.FirstOrDefault(t => t.Code == c.Category)?.Name.In(Names(c.Language)) ?? c.Category),
                    ("media_urls", c.MediaUrl is null ? Array.Empty<string>() : new[] { c.MediaUrl }),
                ])),
            }
            : [],
    ];

    private static IReadOnlyList<(string, object?)> Standard(Case c, IReadOnlyList<TaskType> taskTypes) =>
    [
        ("service_request_id", c.ServiceRequestId), ("status", CaseStatus.Open311(c.Status)), ("status_notes", c.StatusNotes),
        ("service_name", taskTypes.FirstOrDefault(t => t.Code == c.Category)?.Name.In(Names(c.Language)) ?? c.Category),
        ("service_code", c.Category), ("description", c.Description), ("agency_responsible", c.Assignee), ("service_notice", null),
        ("requested_datetime", c.CreatedAt), ("updated_datetime", c.UpdatedAt), ("expected_datetime", c.PromisedAt), ("address", c.Address),
        ("address_id", null), ("zipcode", null), ("lat", c.Lat), ("long", c.Lon), ("media_url", c.MediaUrl),
    ];

    /// <summary>
    /// A status update from a recipient's system, as FixMyStreet's Open311 integration sends it: form-encoded
    /// api_key, service_request_id, update_id, updated_datetime, status, description, external_status_code; and
    /// expected_datetime, the date the recipient promises it done by (GeoReport's word for it). Only
    /// the case's recipient may; a repeated update_id is answered as already received and changes nothing.
    /// </summary>
    private static async Task<Open311Document> PostUpdateAsync(HttpContext http, CaseStore cases, ApiKeys keys, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType) throw new TwinException(ErrorCodes.UnsupportedMediaType, "Post the update form-encoded.", StatusCodes.Status400BadRequest);
        var form = await http.Request.ReadFormAsync(ct);
        var key = await keys.FindAsync(form["api_key"], ct);
        if (key?.Organisation is null) throw new TwinException(ErrorCodes.Forbidden, "A valid api_key of the case's recipient is required.");
        string? Field(string name) => form[name] is { Count: > 0 } v && !string.IsNullOrWhiteSpace(v[0]) ? v[0]!.Trim() : null;
        if (Field("service_request_id") is not { } id) throw new TwinException(ErrorCodes.BadInput, "service_request_id is required.");
        if (Field("update_id") is not { } updateId) throw new TwinException(ErrorCodes.BadInput, "update_id is required.");
        if (Field("status") is not { } status) throw new TwinException(ErrorCodes.BadInput, "status is required.");
        var found = await cases.FindAsync(id, ct) ?? throw new TwinException(ErrorCodes.UnknownCase, $"There is no service request '{id}'.");
        if (found.Assignee != key.Organisation) throw new TwinException(ErrorCodes.NotRecipient, $"Service request {id} was not sent to {key.Organisation}.");
        var description = Field("description");
        var promised = W3CDate("expected_datetime", Field("expected_datetime"));
        var mapped = status.ToUpperInvariant() switch
        {
            "IN_PROGRESS" or "ACTION_SCHEDULED" or "INVESTIGATING" or "OPEN" => CaseStatus.InProgress,
            "FIXED" or "CLOSED" or "NO_FURTHER_ACTION" => CaseStatus.Done,
            "NOT_COUNCILS_RESPONSIBILITY" or "NOT_RESPONSIBLE" or "REJECTED" => CaseStatus.Rejected,
            _ => throw new TwinException(ErrorCodes.BadStatus, $"status '{status}' is not one we know (IN_PROGRESS, ACTION_SCHEDULED, FIXED, CLOSED, NOT_COUNCILS_RESPONSIBILITY, ...)."),
        };
        var actor = key.Actor with { Name = $"{key.Actor.Name} (update {updateId}{(Field("external_status_code") is { } code ? $", {code}" : "")})" };
        // The update and the record of its id are one transaction: a retry after a crash is applied, not taken as received.
        if (!await cases.ApplyRecipientUpdateAsync(found.Id, key.Organisation, updateId, mapped, description, actor, ct, promised))
        {
            return new Open311Document("service_request_updates", "request_update", [[("update_id", updateId), ("service_notice", "Already received.")]]);
        }
        return new Open311Document("service_request_updates", "request_update", [[("update_id", updateId)]]);
    }

    /// <summary>
    /// The status changes of cases in a window (start_date, end_date: at most 90 days apart; without them, the last
    /// 24 hours), oldest first, at most 1,000, in FixMyStreet's shape: update_id, service_request_id, status
    /// (OPEN, IN_PROGRESS, FIXED, CLOSED, NOT_COUNCILS_RESPONSIBILITY, DUPLICATE, INTERNAL_REFERRAL), updated_datetime,
    /// description (the note for the citizen), media_url, external_status_code (our own status). Public, as the
    /// requests are: nothing personal is in them. The root element is FixMyStreet's (service_requests_updates), whose
    /// Open311 client polls this list.
    /// </summary>
    private static async Task<Open311Document> ListUpdatesAsync(IQueryCollection query, CaseStore cases, CancellationToken ct)
    {
        var (start, end) = Period(query);
        var until = end ?? (start is { } s && s + TimeSpan.FromDays(1) < cases.Now ? s + TimeSpan.FromDays(1) : cases.Now.AddSeconds(1));
        var from = start ?? until - TimeSpan.FromDays(1);
        var ids = Param(query, "service_request_id")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var updates = await cases.PublicUpdatesAsync(from, until, ids, 1000, ct);
        return new Open311Document("service_requests_updates", "request_update", [.. updates.Select(u => (IReadOnlyList<(string, object?)>)
        [
            ("update_id", u.UpdateId.ToString(CultureInfo.InvariantCulture)), ("service_request_id", u.ServiceRequestId), ("status", u.Status),
            ("updated_datetime", u.At), ("description", u.Description), ("media_url", null), ("external_status_code", u.ExternalStatusCode),
        ])]);
    }

    /// <summary>fi, sv or en from a locale or an Accept-Language header (en when it names neither).</summary>
    private static string LanguageOf(string? locale) => locale?.Trim().ToLowerInvariant() switch
    {
        { } l when l.StartsWith("fi", StringComparison.Ordinal) => "fi",
        { } l when l.StartsWith("sv", StringComparison.Ordinal) => "sv",
        _ => "en",
    };

    private static Language Names(string language) => language switch { "fi" => Catalog.Language.Fi, "sv" => Catalog.Language.Sv, _ => Catalog.Language.En };
}

using System.Collections.Frozen;
using DigitalTwin.Data.Text;

namespace DigitalTwin.Server.Errors;

/// <summary>
/// Every code a refusal carries, whatever the transport: GraphQL's <c>extensions.code</c>, problem+json's <c>code</c>,
/// Open311's error <c>code</c> where the specification has no number for it, and the map's <c>UiException</c>. A client
/// acts on the code, never on the wording, so a code once published keeps its meaning. One constant per code, and in
/// <see cref="All"/> its line of description and the HTTP status it is answered with unless the refusal names
/// another. docs/errors.md is this list as a table, with the transports each code comes through; a test keeps the two
/// the same.
/// </summary>
public static class ErrorCodes
{
    public const string AlreadyDelivered = "ALREADY_DELIVERED";
    public const string BadArea = "BAD_AREA";
    public const string BadBbox = "BAD_BBOX";
    public const string BadCellSize = "BAD_CELL_SIZE";
    public const string BadChannel = "BAD_CHANNEL";
    public const string BadCrs = "BAD_CRS";
    public const string BadCursor = "BAD_CURSOR";
    public const string BadDate = "BAD_DATE";
    public const string BadDatetime = "BAD_DATETIME";
    public const string BadDistance = "BAD_DISTANCE";
    public const string BadEmail = "BAD_EMAIL";
    public const string BadFilter = "BAD_FILTER";
    public const string BadGeoJson = "BAD_GEOJSON";
    public const string BadGrouping = "BAD_GROUPING";
    public const string BadIdempotencyKey = "BAD_IDEMPOTENCY_KEY";
    public const string BadInput = "BAD_INPUT";
    public const string BadLayerKind = "BAD_LAYER_KIND";
    public const string BadLayerName = "BAD_LAYER_NAME";
    public const string BadLimit = "BAD_LIMIT";
    public const string BadNear = "BAD_NEAR";
    public const string BadPageSize = "BAD_PAGE_SIZE";
    public const string BadParameter = "BAD_PARAMETER";
    public const string BadPeriod = "BAD_PERIOD";
    public const string BadPlace = "BAD_PLACE";
    public const string BadPoint = "BAD_POINT";
    public const string BadReply = "BAD_REPLY";
    public const string BadRequest = "BAD_REQUEST";
    public const string BadResolution = "BAD_RESOLUTION";
    public const string BadStatus = "BAD_STATUS";

    /// <summary>The text rule's own code (<see cref="TextRules"/>, shared with the importer's words).</summary>
    public const string BadText = TextRules.BadTextCode;

    public const string BadTile = "BAD_TILE";
    public const string BadTimeZone = "BAD_TIME_ZONE";
    public const string BadTolerance = "BAD_TOLERANCE";
    public const string BadUpload = "BAD_UPLOAD";
    public const string Complexity = "COMPLEXITY";
    public const string CrossSiteRequest = "CROSS_SITE_REQUEST";
    public const string DatabaseUnavailable = "DATABASE_UNAVAILABLE";
    public const string DocumentTooLarge = "DOCUMENT_TOO_LARGE";
    public const string Forbidden = "FORBIDDEN";
    public const string GeoJsonTooLarge = "GEOJSON_TOO_LARGE";
    public const string IdempotencyKeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string ImportFailed = "IMPORT_FAILED";
    public const string ImportRefused = "IMPORT_REFUSED";
    public const string MalformedRequest = "MALFORMED_REQUEST";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string MissingQuery = "MISSING_QUERY";
    public const string NoChannel = "NO_CHANNEL";
    public const string NoGeometry = "NO_GEOMETRY";
    public const string NoReason = "NO_REASON";
    public const string NoRecipient = "NO_RECIPIENT";
    public const string NotAcceptable = "NOT_ACCEPTABLE";
    public const string NotRecipient = "NOT_RECIPIENT";
    public const string NothingToRetry = "NOTHING_TO_RETRY";
    public const string PageTooLarge = "PAGE_TOO_LARGE";
    public const string ReasonRequired = "REASON_REQUIRED";
    public const string RepeatedFields = "REPEATED_FIELDS";
    public const string RequestTooLarge = "REQUEST_TOO_LARGE";
    public const string ResponseTooLarge = "RESPONSE_TOO_LARGE";
    public const string StaleCase = "STALE_CASE";
    public const string StaleLayer = "STALE_LAYER";
    public const string Timeout = "TIMEOUT";
    public const string TooDeep = "TOO_DEEP";
    public const string TooManyAliases = "TOO_MANY_ALIASES";
    public const string TooManyCells = "TOO_MANY_CELLS";
    public const string TooManyDirectives = "TOO_MANY_DIRECTIVES";
    public const string TooManyFragments = "TOO_MANY_FRAGMENTS";
    public const string TooManyRequests = "TOO_MANY_REQUESTS";
    public const string TooManyTokens = "TOO_MANY_TOKENS";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string UnknownCase = "UNKNOWN_CASE";
    public const string UnknownFeature = "UNKNOWN_FEATURE";
    public const string UnknownFormat = "UNKNOWN_FORMAT";
    public const string UnknownHandler = "UNKNOWN_HANDLER";
    public const string UnknownLayer = "UNKNOWN_LAYER";
    public const string UnknownObject = "UNKNOWN_OBJECT";
    public const string UnknownOrganisation = "UNKNOWN_ORGANISATION";
    public const string UnknownService = "UNKNOWN_SERVICE";
    public const string UnknownTaskType = "UNKNOWN_TASK_TYPE";
    public const string UnknownVersion = "UNKNOWN_VERSION";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";

    /// <summary>Every code with its HTTP status and what it means, by code.</summary>
    public static FrozenDictionary<string, ErrorCode> All { get; } = new ErrorCode[]
    {
        new(AlreadyDelivered, 409, "The case reached its recipient while the change was asked for; it stays with them."),
        new(BadArea, 400, "An area is not a GeoJSON geometry in WGS84 longitude and latitude, or not a map object's id (layer:id) with a geometry."),
        new(BadBbox, 400, "A bounding box is not west, south, east, north in WGS84 degrees (OGC API: or in its bbox-crs, in that CRS's axis order), or spans more than its list allows (Open311: 10 degrees)."),
        new(BadCellSize, 400, "A density grid's cells are not 10 to 100,000 metres."),
        new(BadChannel, 400, "A case's channel is not one we know, or not one this caller takes cases in by."),
        new(BadCrs, 400, "A CRS is not a name such as EPSG:3879 (OGC API: a URI such as http://www.opengis.net/def/crs/EPSG/0/3879), not a coordinate system we know or serve, or the geometry does not transform to it."),
        new(BadCursor, 400, "A page cursor is not one of this query's order (OGC API: after or before is not taken from a next or prev link)."),
        new(BadDate, 400, "A date is not a W3C date-time between the years 1900 and 2200."),
        new(BadDatetime, 400, "An OGC API datetime is not an RFC 3339 date or date-time, or an interval of two (start/end, '..' for open), between the years 1900 and 2200."),
        new(BadDistance, 400, "A distance is not 0 to 100,000 metres."),
        new(BadEmail, 400, "An e-mail address is not one address the outbox can send to."),
        new(BadFilter, 400, "A filter of a list (a number, extensions, service_object_type) is not one we can read."),
        new(BadGeoJson, 400, "A GeoJSON geometry PostGIS cannot read."),
        new(BadGrouping, 400, "A report's grouping cannot be counted as asked (two periods, district and area, an area layer that is none)."),
        new(BadIdempotencyKey, 400, "The idempotency key is empty, sent twice, a list, or longer than 200 characters."),
        new(BadInput, 400, "A field is missing, too long, or not of its form (e.g. a media URL that is not http or https)."),
        new(BadLayerKind, 400, "A layer's kind is missing or not one of parcel, building, asset, area, contract, subcontract, organisation, task-type."),
        new(BadLayerName, 400, "A layer name is not lower-case letters, digits, '-' and '_'."),
        new(BadLimit, 400, "An OGC API limit is not a whole number from 1 to the largest page the server serves."),
        new(BadNear, 400, "A near filter's centre is not a WGS84 point, or its radius is not 0 to 10,000 metres."),
        new(BadPageSize, 400, "first is outside the page sizes the field allows."),
        new(BadParameter, 400, "A query parameter the endpoint does not know, or one given more than once (OGC API answers unknown parameters with 400)."),
        new(BadPeriod, 400, "A period ends before it begins, or is longer than the list allows (Open311: 90 days)."),
        new(BadPlace, 400, $"A place lies outside what the server's map projection ({StorageCrs.Name}) can hold."),
        new(BadPoint, 400, "A point is not two numbers, not on the Earth, or does not transform from its CRS."),
        new(BadReply, 400, "A reply to the citizen is empty or too long."),
        new(BadRequest, 400, "The question is incomplete as asked (neither a point nor an object; DISTANCE order without near)."),
        new(BadResolution, 400, "A first-contact resolution is not one we know."),
        new(BadStatus, 400, "A status is not one we know, or not one the case can move to now, or by this caller."),
        new(BadText, 400, "Text holds a NUL, a control character other than tab and line breaks, or a broken surrogate."),
        new(BadTile, 400, "A tile address is not /tiles/{layer}/{z}/{x}/{y}.mvt (or /tiles/{z}/{x}/{y}.mvt?layers=a:1,b:2) with z from 0 to 24 and x and y on that zoom's grid."),
        new(BadTimeZone, 400, "A time zone is not an IANA name PostgreSQL knows, such as Europe/Stockholm."),
        new(BadTolerance, 400, "A responsibility question's tolerance is outside its range of metres."),
        new(BadUpload, 400, "A layer upload has no data file, or a part whose file name is not one."),
        new(Complexity, 400, "A GraphQL query is too complex to run; ask for fewer fields or smaller pages."),
        new(CrossSiteRequest, 403, "Refused: a request from another site may not act with your session."),
        new(DatabaseUnavailable, 503, "The database is unavailable or busy; try again after Retry-After seconds."),
        new(DocumentTooLarge, 400, "A GraphQL document is longer than the server reads."),
        new(Forbidden, 403, "The caller's role may not do or see this."),
        new(GeoJsonTooLarge, 400, "A GeoJSON argument is longer than its limit."),
        new(IdempotencyKeyReused, 422, "The idempotency key was used for another request; a retry repeats the request as it was, a new case takes a new key."),
        new(ImportFailed, 400, "The import could not be done (the file could not be read, or the database refused it); nothing was changed."),
        new(ImportRefused, 400, "The file, its CRS or its mapping cannot be imported as given; nothing was changed."),
        new(MalformedRequest, 400, "The request body or its variables are not the JSON the endpoint reads."),
        new(MethodNotAllowed, 405, "A GraphQL mutation was sent with GET; use POST."),
        new(MissingQuery, 400, "A GraphQL request without a query."),
        new(NoChannel, 400, "The recipient has no channel (webhook, Open311, e-mail) to forward to, or not the one asked for."),
        new(NoGeometry, 400, "The object has no geometry to resolve at; ask about a point."),
        new(NoReason, 400, "A recipient sends a case back without saying why."),
        new(NoRecipient, 400, "The case has no suggested recipient; choose one."),
        new(NotAcceptable, 406, "The Accept header (OGC API: the f parameter) allows none of the media types the endpoint answers with."),
        new(NotRecipient, 403, "The case was not sent to the caller's organisation."),
        new(NothingToRetry, 400, "The case has no failing delivery to try again."),
        new(PageTooLarge, 400, "A page is larger than the field allows."),
        new(ReasonRequired, 400, "The change needs a reason (another recipient than the suggestion, one that sent the case back, a re-forward)."),
        new(RepeatedFields, 400, "A GraphQL query repeats the same field more often than allowed."),
        new(RequestTooLarge, 413, "The request body is larger than the endpoint takes."),
        new(ResponseTooLarge, 400, "The answer would be larger than allowed and was stopped; ask for less."),
        new(StaleCase, 409, "The case changed since it was shown; the refusal carries its state now (version, status, assignee, suggestedTo)."),
        new(StaleLayer, 409, "The layer changed since it was shown or its file checked: another version serves now. Nothing was changed; look again."),
        new(Timeout, 400, "The request ran longer than allowed and was stopped; ask for less."),
        new(TooDeep, 400, "A GraphQL query nests deeper than allowed."),
        new(TooManyAliases, 400, "A GraphQL query has more aliased fields than allowed."),
        new(TooManyCells, 400, "A density grid would have more cells than allowed; ask for larger cells or a smaller area."),
        new(TooManyDirectives, 400, "A GraphQL query has more directives than allowed."),
        new(TooManyFragments, 400, "A GraphQL query defines more fragments than allowed."),
        new(TooManyRequests, 429, "Too many requests from this address; try again after Retry-After seconds."),
        new(TooManyTokens, 400, "A GraphQL query has more tokens than allowed."),
        new(Unauthenticated, 401, "No key or session, or a key that is unknown, revoked or expired."),
        new(UnknownCase, 404, "There is no such case, or none the caller may see."),
        new(UnknownFeature, 404, "There is no feature with this id in the collection (in the layer version asked for)."),
        new(UnknownFormat, 404, "Open311 answers in .json or .xml; a path with another extension names no document."),
        new(UnknownHandler, 400, "There is no such person who works cases (a handler or admin, not disabled)."),
        new(UnknownLayer, 404, "There is no such layer serving."),
        new(UnknownObject, 400, "There is no such map object (ids are layer:id)."),
        new(UnknownOrganisation, 400, "There is no such organisation."),
        new(UnknownService, 400, "There is no such case category (Open311 service; taskTypes and services.json list them)."),
        new(UnknownTaskType, 400, "There is no such task type; taskTypes lists them."),
        new(UnknownVersion, 404, "The layer has no version of that number (layers { versions } lists them), or none serving."),
        new(UnsupportedMediaType, 415, "The request body is not of the media type the endpoint reads."),
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>The HTTP status a refusal with this code is answered with, unless it names its own.</summary>
    public static int StatusOf(string code) => All.TryGetValue(code, out var known) ? known.Status : StatusCodes.Status400BadRequest;

    /// <summary>What the code means, in one line (problem+json's title).</summary>
    public static string? Describe(string code) => All.TryGetValue(code, out var known) ? known.Description : null;
}

/// <summary>One code of <see cref="ErrorCodes"/>: its HTTP status and its line of description.</summary>
public sealed record ErrorCode(string Code, int Status, string Description);

namespace DigitalTwin.Server.Cases;

/// <summary>
/// What each field of a new case is called where the caller wrote it (Open311's <c>service_object_id</c>, GraphQL's
/// <c>input.objectId</c>, the map form's "object"), so that <see cref="CaseIntake"/> refuses in the caller's own words.
/// Every channel has the same fields and the same rules; only the names differ.
/// </summary>
public sealed record IntakeFields(
    string Category, string Point, string Description, string Address, string MediaUrl, string Email, string FirstName, string LastName,
    string Phone, string ObjectId, string IdempotencyKey, string Language, string Channel)
{
    /// <summary>Open311 GeoReport v2's form fields, and Helsinki's service_object_id.</summary>
    public static readonly IntakeFields Open311 = new("service_code", "lat and long", "description", "address_string", "media_url", "email",
        "first_name", "last_name", "phone", "service_object_id", "The idempotency key (Idempotency-Key, or device_id and client_request_id)", "locale", "channel");

    /// <summary>GraphQL's createCase input.</summary>
    public static readonly IntakeFields GraphQL = new("input.category", "input.at", "input.description", "input.address", "input.mediaUrl",
        "input.reporter.email", "input.reporter.firstName", "input.reporter.lastName", "input.reporter.phone", "input.objectId", "input.clientKey",
        "input.language", "input.channel");

    /// <summary>The map's new-case form, as the handler sees it.</summary>
    public static readonly IntakeFields Map = new("The task type", "The place", "The description", "The address", "The media URL", "The e-mail address",
        "The caller's name", "The caller's name", "The phone number", "The map object", "The form's key", "The language", "The channel");
}

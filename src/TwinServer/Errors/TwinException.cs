using DigitalTwin.Server.Cases;

namespace DigitalTwin.Server.Errors;

/// <summary>
/// A request that cannot be done as asked: an unknown task type, a bad CRS or GeoJSON, a page too large, a case that
/// changed since it was shown, an intake field too long. The one error type of the server's own refusals, thrown by the
/// resolver, the stores and the endpoints alike, and answered in each transport's terms by one mapper per transport:
/// GraphQL (<c>GraphQL/GraphQLErrors</c>), problem+json (<see cref="ProblemResults"/>), Open311's error body
/// (<c>Open311/Open311Errors</c>) and the map's <c>UiException</c> (<c>MapUi/UiErrors</c>).
/// </summary>
/// <param name="code">What a client acts on: one of <see cref="ErrorCodes"/>.</param>
/// <param name="message">What a person reads: what was wrong and how to ask instead.</param>
/// <param name="status">The HTTP status, where it differs from the code's own (<see cref="ErrorCodes.StatusOf"/>).</param>
public sealed class TwinException(string code, string message, int? status = null) : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>The HTTP status where the transport has one (problem+json, Open311).</summary>
    public int Status { get; } = status ?? ErrorCodes.StatusOf(code);

    /// <summary>
    /// What a client needs to act on the refusal, e.g. the case's state now when it changed since it was shown:
    /// GraphQL's <c>extensions.data</c>, problem+json's <c>data</c>.
    /// </summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }

    /// <summary>The case changed since the caller saw it: the refusal carries its state now, so the caller can show it and ask again.</summary>
    public static TwinException Stale(Case now, int seen) => new(ErrorCodes.StaleCase,
        $"Case {now.ServiceRequestId} changed since it was shown (version {seen}, now {now.Version}: {now.Status}" +
        $"{(now.Assignee is null ? "" : $", with {now.Assignee}")}{(now.SuggestedTo is null ? "" : $", suggested for {now.SuggestedTo}")}). Look again and choose.")
    {
        Details = new Dictionary<string, object?>
        {
            ["version"] = now.Version, ["status"] = now.Status, ["assignee"] = now.Assignee, ["suggestedTo"] = now.SuggestedTo,
        },
    };

    /// <summary>A request body ASP.NET could not read: too large (413), or not what it claims to be (400).</summary>
    public static TwinException Unreadable(BadHttpRequestException e) =>
        new(e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorCodes.RequestTooLarge : ErrorCodes.MalformedRequest, e.Message, e.StatusCode);

    /// <summary>An area (GeoJSON) that PostGIS could not read, with what PostGIS said.</summary>
    public static TwinException UnreadableArea(string detail) => new(ErrorCodes.BadArea,
        $"The area is not a GeoJSON geometry in WGS84 longitude and latitude (e.g. {{\"type\":\"Polygon\",\"coordinates\":[[[18.07,59.30],[18.08,59.30],[18.08,59.31],[18.07,59.30]]]}}): {detail}");
}

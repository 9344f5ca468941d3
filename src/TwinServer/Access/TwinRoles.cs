using System.Security.Claims;
using DigitalTwin.Server.Cases;

namespace DigitalTwin.Server.Access;

/// <summary>
/// Who may do what. Handlers (and admins) work cases and see citizens' contact details; a contractor sees and updates
/// only the cases sent to its organisation; GIS staff load layers; an integration reads responsibility and map data;
/// a citizen app posts Open311 requests.
/// </summary>
public static class TwinRoles
{
    public const string Handler = "handler", Gis = "gis", Admin = "admin", Contractor = "contractor", Integration = "integration",
        CitizenApp = "citizen-app";

    public static readonly IReadOnlyList<string> All = [Handler, Gis, Admin, Contractor, Integration, CitizenApp];
}

/// <summary>The claims a caller carries beyond its name and role.</summary>
public static class TwinClaims
{
    /// <summary>The organisation a contractor acts for.</summary>
    public const string Organisation = "twin:organisation";

    /// <summary>The key a system calls with.</summary>
    public const string ApiKeyId = "twin:api_key_id";
}

public static class CallerExtensions
{
    /// <summary>Handlers and admins work cases: all of them, with the reporter's contact details.</summary>
    public static bool HandlesCases(this ClaimsPrincipal caller) => caller.IsInRole(TwinRoles.Handler) || caller.IsInRole(TwinRoles.Admin);

    /// <summary>The organisation a contractor's key acts for; null for everyone else.</summary>
    public static string? ContractorOrganisation(this ClaimsPrincipal caller) =>
        caller.IsInRole(TwinRoles.Contractor) ? caller.FindFirstValue(TwinClaims.Organisation) : null;

    public static bool IsSignedIn(this ClaimsPrincipal caller) => caller.Identity?.IsAuthenticated == true;

    /// <summary>How the caller appears on a case's timeline.</summary>
    public static Actor AsActor(this ClaimsPrincipal caller) => new(
        caller.Identity?.Name ?? "anonymous",
        int.TryParse(caller.FindFirstValue(TwinClaims.ApiKeyId), out var id) ? id : null,
        caller.ContractorOrganisation());
}

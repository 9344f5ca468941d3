using System.Security.Claims;
using DigitalTwin.Server.Cases;

namespace DigitalTwin.Server.Access;

public static class CallerExtensions
{
    /// <summary>Handlers and admins work cases: all of them, with the reporter's contact details.</summary>
    public static bool HandlesCases(this ClaimsPrincipal caller) => caller.IsInRole(TwinRoles.Handler) || caller.IsInRole(TwinRoles.Admin);

    /// <summary>The organisation a contractor's key acts for; null for everyone else.</summary>
    public static string? ContractorOrganisation(this ClaimsPrincipal caller) =>
        caller.IsInRole(TwinRoles.Contractor) ? caller.FindFirstValue(TwinClaims.Organisation) : null;

    public static bool IsSignedIn(this ClaimsPrincipal caller) => caller.Identity?.IsAuthenticated == true;

    /// <summary>A person signed in with a session (not a system with a key): one who has a language and a desk.</summary>
    public static bool IsPerson(this ClaimsPrincipal caller) => caller.IsSignedIn() && caller.FindFirst(TwinClaims.ApiKeyId) is null;

    /// <summary>How the caller appears on a case's timeline.</summary>
    public static Actor AsActor(this ClaimsPrincipal caller) => new(
        caller.Identity?.Name ?? "anonymous",
        int.TryParse(caller.FindFirstValue(TwinClaims.ApiKeyId), out var id) ? id : null,
        caller.ContractorOrganisation());
}

namespace DigitalTwin.Data.Access;

/// <summary>
/// Who may do what. Handlers (and admins) work cases and see citizens' contact details; a contractor sees and updates
/// only the cases sent to its organisation; GIS staff load layers; an integration reads responsibility and map data;
/// a citizen app posts Open311 requests.
/// </summary>
public static class TwinRoles
{
    public const string Handler = "handler", Gis = "gis", Admin = "admin", Contractor = "contractor", Integration = "integration",
        CitizenApp = "citizen-app";

    /// <summary>For authorisation attributes: the roles that work cases, and those that read the reports.</summary>
    public const string CaseWorkers = Handler + "," + Admin, ReportReaders = Handler + "," + Gis + "," + Admin;

    /// <summary>Every role a system's key may have.</summary>
    public static readonly IReadOnlyList<string> All = [Handler, Gis, Admin, Contractor, Integration, CitizenApp];

    /// <summary>The roles of people who sign in (the others are systems', with keys).</summary>
    public static readonly IReadOnlyList<string> People = [Handler, Gis, Admin];

    /// <summary>Who works cases: all of them, with the reporter's contact details.</summary>
    public static bool HandlesCases(string role) => role is Handler or Admin;
}

/// <summary>The claims a caller carries beyond its name and role.</summary>
public static class TwinClaims
{
    /// <summary>The organisation a contractor acts for.</summary>
    public const string Organisation = "twin:organisation";

    /// <summary>The key a system calls with.</summary>
    public const string ApiKeyId = "twin:api_key_id";
}

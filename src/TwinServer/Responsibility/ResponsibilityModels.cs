using DigitalTwin.Data.Database;

namespace DigitalTwin.Server.Responsibility;

/// <summary>What is asked: a point in some CRS, or an object; a task type; a date; a tolerance in metres.</summary>
public sealed record ResponsibilityQuery(double? X, double? Y, int Srid, string? ObjectId, string TaskType, DateOnly? On, double? Tolerance);

/// <summary>A map object: a parcel, building, asset, area or contract, with its distance from a point when one was given.</summary>
public sealed record StackObject(
    string Id, string Layer, string Kind, string? Type, string? Name, string? Address,
    string? Owner, string? Manager, IReadOnlyList<string>? TaskTypes, double? Distance, double Area, string GeoJson,
    string? Attributes = null);

/// <summary>A contract that applies, or would have applied on another date. Dates are inclusive; null is open.</summary>
public sealed record ContractMatch(
    string Id, string SourceId, string? Name, string? Contractor, string? Commissioner, IReadOnlyList<string>? TaskTypes,
    DateOnly? ValidFrom, DateOnly? ValidTo, bool? ListsTarget, bool? CoversPoint)
{
    /// <summary>Stable ids of the objects the contract names (besides its area).</summary>
    public IReadOnlyList<string>? Covers { get; init; }

    public string? GeoJson { get; init; }

    public double? Area { get; init; }

    /// <summary>The layer versions it was read from, for its subcontracts.</summary>
    internal int[]? Versions { get; init; }

    /// <summary>Its subcontracts for the asked task, valid on the asked date (a lookup reads them with the contract).</summary>
    internal IReadOnlyList<SubcontractMatch> Subcontracts { get; init; } = [];

    public bool IsValidOn(DateOnly date) => (ValidFrom is null || ValidFrom <= date) && (ValidTo is null || date <= ValidTo);

    /// <summary>
    /// A contract from a row whose first columns are id, source id, name, contractor, commissioner, task types,
    /// lower(valid), upper(valid), as the contract queries select them.
    /// </summary>
    internal static ContractMatch Read(Npgsql.NpgsqlDataReader reader, bool? listsTarget, bool? coversPoint) => new(
        reader.GetString(0), reader.GetString(1), reader.GetStringOrNull(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<string[]>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6),
        // daterange's upper bound is exclusive; the last valid day is the one before.
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7).AddDays(-1),
        listsTarget, coversPoint);
}

public sealed record SubcontractMatch(string Id, string SourceId, string? Name, string? Subcontractor)
{
    /// <summary>Whether its own area covers the asked point (no area of its own: it covers the contract's).</summary>
    internal bool CoversPoint { get; init; } = true;
}

/// <summary>Who receives the case, in the order of product contract 3.7.</summary>
public enum RecipientRole { Subcontractor, Contractor, Manager, Owner, LandOwner, DefaultContact, Nobody }

/// <summary>Where the manager came from (product contract 3.4).</summary>
public enum ManagerSource { Object, BuildingOwner, ManagementArea, LandOwner, None }

/// <summary>The answer: the stack at the spot, the chain of responsibility, the recipient, and why.</summary>
public sealed record ResponsibilityAnswer(
    string TaskType,
    DateOnly On,
    double Tolerance,
    IReadOnlyList<StackObject> Stack,
    StackObject? Target,
    string? LandOwner,
    string? Owner,
    string? Manager,
    ManagerSource ManagerSource,
    StackObject? ManagementArea,
    ContractMatch? Contract,
    SubcontractMatch? Subcontract,
    string? Recipient,
    RecipientRole RecipientRole,
    IReadOnlyList<ContractMatch> Conflicts,
    IReadOnlyList<string> Explanation)
{
    /// <summary>The explanation's lines as keys and values, for a client to say in its own language.</summary>
    public IReadOnlyList<ExplanationLine> ExplanationLines { get; init; } = [];

    /// <summary>The organisations the answer names, as the lookup read them (a GraphQL request needs not read them again).</summary>
    internal IReadOnlyDictionary<string, Catalog.Organisation> Organisations { get; init; } = new Dictionary<string, Catalog.Organisation>();

    /// <summary>True when the recipient is not the first in line (no subcontractor or contractor for the task).</summary>
    public bool IsFallback => RecipientRole is not (RecipientRole.Subcontractor or RecipientRole.Contractor);

    public bool HasConflict => Conflicts.Count > 0;
}

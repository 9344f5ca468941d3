namespace DigitalTwin.Data.Domain;

/// <summary>
/// The kinds of layer (docs/contract.md, section 2), as they are stored in layers.kind and map_objects.kind, named in
/// the import's --kind and in GraphQL: the one list, in the order the stack at a point is shown (objects before the
/// areas around them).
/// </summary>
public static class LayerKinds
{
    public const string Asset = "asset";
    public const string Building = "building";
    public const string Area = "area";
    public const string Parcel = "parcel";
    public const string Contract = "contract";
    public const string Subcontract = "subcontract";

    public static IReadOnlyList<string> All { get; } = [Asset, Building, Area, Parcel, Contract, Subcontract];

    public static bool IsKnown(string? kind) => kind is not null && All.Contains(kind, StringComparer.Ordinal);
}

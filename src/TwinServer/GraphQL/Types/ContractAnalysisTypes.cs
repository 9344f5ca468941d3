using DigitalTwin.Server.Contracts;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ContractOverlapType : ObjectGraphType<ContractOverlap>
{
    public ContractOverlapType()
    {
        Name = "ContractOverlap";
        Description = "Two contracts of one commissioner, valid on the date, for a common task type, whose areas overlap: a conflict to fix.";
        Field<NonNullGraphType<ContractType>>("a").Description("One contract.").Resolve(c => c.Source.A);
        Field<NonNullGraphType<ContractType>>("b").Description("The other.").Resolve(c => c.Source.B);
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("taskTypes").Description("The task types both cover (null: all).").Resolve(c => c.Source.TaskTypes);
        Field<NonNullGraphType<GeoJsonGraphType>>("overlap").Description("Where they overlap, as GeoJSON in WGS84.").Resolve(c => c.Source.GeoJson);
        Field<NonNullGraphType<FloatGraphType>>("areaSquareMetres").Description("The size of the overlap in m².").Resolve(c => c.Source.Area);
    }
}

public sealed class CoverageGapType : ObjectGraphType<CoverageGap>
{
    public CoverageGapType()
    {
        Name = "CoverageGap";
        Description = "Where a manager's assets, buildings or management areas have no contract for the task type on the date.";
        Field<NonNullGraphType<OrganisationType>>("manager").Description("The manager without a contract there.")
            .Resolve(c => MapObjectType.Organisation(c, c.Source.Manager));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>>("objects").Description("The objects (layer:id) not covered.").Resolve(c => c.Source.ObjectIds);
        Field<NonNullGraphType<GeoJsonGraphType>>("geometry").Description("The uncovered parts, as GeoJSON in WGS84.").Resolve(c => c.Source.GeoJson);
        Field<NonNullGraphType<FloatGraphType>>("areaSquareMetres").Description("The uncovered area in m² (lines and points count 0).").Resolve(c => c.Source.Area);
    }
}

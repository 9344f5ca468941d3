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

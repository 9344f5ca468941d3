using DigitalTwin.Server.Contracts;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

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

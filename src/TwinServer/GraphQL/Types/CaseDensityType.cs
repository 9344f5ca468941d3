using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseDensityType : ObjectGraphType<CaseDensity>
{
    public CaseDensityType()
    {
        Name = "CaseDensity";
        Description = "Cases counted in square cells of an equal-area grid (EPSG:3035): the heat map's data.";
        Field(c => c.CellMetres).Description("The cells' side in metres.");
        Field(c => c.Cases).Description("Cases counted.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DensityCellType>>>>("cells").Description("The cells with cases, the fullest first.").Resolve(c => c.Source.Cells);
    }
}

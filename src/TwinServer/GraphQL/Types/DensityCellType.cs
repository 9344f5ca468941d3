using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class DensityCellType : ObjectGraphType<DensityCell>
{
    public DensityCellType()
    {
        Name = "DensityCell";
        Description = "A cell of the case density grid.";
        Field(c => c.Lon).Description("The cell's centre: WGS84 longitude.");
        Field(c => c.Lat).Description("The cell's centre: WGS84 latitude.");
        Field(c => c.Cases).Description("Cases in the cell.");
    }
}

using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseDimensionEnum : EnumerationGraphType<CaseDimension>
{
    public CaseDimensionEnum()
    {
        Name = "CaseDimension";
        Description = "What cases are counted by.";
    }
}

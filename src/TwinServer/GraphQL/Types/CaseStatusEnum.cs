using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseStatusEnum : EnumerationGraphType
{
    public CaseStatusEnum()
    {
        Name = "CaseStatus";
        Description = "Where a case is: received, assigned, forwarded (sent to its recipient), in progress, done, closed, or rejected (sent back by its recipient).";
        foreach (var status in CaseStatus.All) Add(status.ToUpperInvariant(), status);
    }
}

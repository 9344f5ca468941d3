using DigitalTwin.Server.Responsibility;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ManagerSourceEnum : EnumerationGraphType<ManagerSource>
{
    public ManagerSourceEnum()
    {
        Name = "ManagerSource";
        Description = "Where the manager came from: the object, a building's owner, a management area, the land owner.";
    }
}

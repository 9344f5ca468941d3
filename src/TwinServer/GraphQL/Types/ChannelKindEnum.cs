using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ChannelKindEnum : EnumerationGraphType<ChannelKind>
{
    public ChannelKindEnum()
    {
        Name = "ChannelKind";
        Description = "How cases are forwarded to an organisation.";
    }
}

using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseChannelEnum : EnumerationGraphType
{
    public CaseChannelEnum()
    {
        Name = "CaseChannel";
        Description = "How the citizen reached the city: a citizen app (Open311), a call, a visit, an e-mail, a web form, or another system.";
        foreach (var channel in CaseChannel.All) Add(channel.Replace('-', '_').ToUpperInvariant(), channel);
    }
}

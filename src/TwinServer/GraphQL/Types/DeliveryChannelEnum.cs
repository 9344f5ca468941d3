using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class DeliveryChannelEnum : EnumerationGraphType
{
    public DeliveryChannelEnum()
    {
        Name = "DeliveryChannel";
        Description = "How a forward reaches its recipient: a signed webhook, an Open311 post to its own endpoint, or e-mail.";
        Add("WEBHOOK", "webhook");
        Add("OPEN311", "open311");
        Add("EMAIL", "email");
    }
}

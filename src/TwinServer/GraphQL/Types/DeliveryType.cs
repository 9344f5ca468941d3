using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class DeliveryType : ObjectGraphType<Delivery>
{
    public DeliveryType()
    {
        Name = "CaseDelivery";
        Description = "A delivery of a case through the outbox: to a recipient's webhook, Open311 endpoint or e-mail, or to the citizen.";
        Field(x => x.Recipient).Description("The organisation (key), or citizen.");
        Field(x => x.Channel).Description("webhook, open311, email or citizen-email.");
        Field(x => x.Target).Description("The URL or address it goes to.");
        Field<NonNullGraphType<IdGraphType>>("idempotencyKey").Description("Sent with every attempt, so that the receiver keeps one.")
            .Resolve(c => c.Source.IdempotencyKey.ToString());
        Field(x => x.State).Description("pending, delivered, dead, or cancelled (replaced by a forward elsewhere before it arrived).");
        Field(x => x.Attempts).Description("Attempts made so far.");
        Field(x => x.NextAttemptAt).Description("When it is tried again, while pending (the wait doubles with each failure).");
        Field(x => x.LastError, nullable: true).Description("Why the last attempt failed.");
        Field(x => x.ExternalId, nullable: true).Description("The receiver's own id for the case, if it answered with one.");
        Field(x => x.DeliveredAt, nullable: true).Description("When the receiver took it.");
    }
}

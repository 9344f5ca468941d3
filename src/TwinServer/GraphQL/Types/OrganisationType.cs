using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class OrganisationType : ObjectGraphType<Organisation>
{
    public OrganisationType()
    {
        Name = "Organisation";
        Description = "An administration, company or contractor that owns, manages or maintains things, and receives cases.";
        Field(o => o.Key).Description("Stable key, e.g. trafikkontoret.");
        Field(o => o.Kind).Description("administration, company, contractor, private, state or other.");
        this.AddNameFields(o => o.Name);
        Field<NonNullGraphType<ChannelKindEnum>>("channel").Description("How cases reach this organisation.").Resolve(c => c.Source.Channel);
        Field(o => o.WebhookUrl, nullable: true).Description("The webhook cases are posted to, when that is the channel.");
        Field(o => o.Open311Endpoint, nullable: true).Description("The organisation's own Open311 endpoint, when that is the channel.");
        Field(o => o.Email, nullable: true).Description("The e-mail address cases are sent to, when that is the channel.");
    }
}

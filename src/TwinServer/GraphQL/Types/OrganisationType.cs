using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Contracts;
using DigitalTwin.Server.MapObjects;
using GraphQL;
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
        Field<NonNullGraphType<MapObjectConnectionType>>("owns")
            .Description("The objects it owns today, a page at a time.")
            .Argument<IntGraphType>("first", "Page size (default 50).")
            .Argument<StringGraphType>("after", "The cursor to continue after.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<MapObjectSearch>().SearchAsync(
                new MapObjectFilter { Owner = c.Source.Key }, MapObjectOrder.Name, c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), c.CancellationToken));
        Field<NonNullGraphType<MapObjectConnectionType>>("manages")
            .Description("The objects and management areas it manages today, a page at a time.")
            .Argument<IntGraphType>("first", "Page size (default 50).")
            .Argument<StringGraphType>("after", "The cursor to continue after.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<MapObjectSearch>().SearchAsync(
                new MapObjectFilter { Manager = c.Source.Key }, MapObjectOrder.Name, c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractType>>>>("maintains")
            .Description("The contracts it holds as contractor, valid today.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<ContractStore>().ListAsync(
                new ContractFilter(c.Source.Key, null, null, DateOnly.FromDateTime(c.RequestServices!.GetRequiredService<TimeProvider>().GetLocalNow().Date), null, 4326), c.CancellationToken));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractType>>>>("commissions")
            .Description("The contracts it has commissioned, valid today.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<ContractStore>().ListAsync(
                new ContractFilter(null, c.Source.Key, null, DateOnly.FromDateTime(c.RequestServices!.GetRequiredService<TimeProvider>().GetLocalNow().Date), null, 4326), c.CancellationToken));
    }
}

using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.GraphQL.Types;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

public sealed class Query : ObjectGraphType
{
    public Query()
    {
        Name = "Query";
        Description = "Who is responsible where: layers, organisations, task types, and (soon) responsibility at a point.";

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayerType>>>>("layers")
            .Description("The loaded layers with their versions, sources and feature counts.")
            .Argument<StringGraphType>("name", "Only the layer of this name.")
            .ResolveAsync(async c => await Store(c).LayersAsync(c.GetArgument<string?>("name"), c.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrganisationType>>>>("organisations")
            .Description("Organisations, by key.")
            .Argument<StringGraphType>("kind", "Only organisations of this kind (administration, company, contractor, private, state, other).")
            .Argument<StringGraphType>("search", "Text in the key or in a name, in any language.")
            .ResolveAsync(async c => await Store(c).OrganisationsAsync(
                c.GetArgument<string?>("kind"), c.GetArgument<string?>("search"), c.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaskTypeType>>>>("taskTypes")
            .Description("The task types (case categories), by code.")
            .ResolveAsync(async c => await Store(c).TaskTypesAsync(c.CancellationToken));
    }

    private static CatalogStore Store(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<CatalogStore>();
}

using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.GraphQL.Types;
using DigitalTwin.Server.Responsibility;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

public sealed class Query : ObjectGraphType
{
    public Query()
    {
        Name = "Query";
        Description = "Who is responsible where: responsibility at a point, layers, organisations, task types.";

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

        Field<NonNullGraphType<ResponsibilityType>>("responsibility")
            .Description("Who is responsible at a point (or for an object), for a task type, on a date (default today), and why (SPEC 3).")
            .Argument<PointInputType>("at", "The point; x/y in its CRS (default EPSG:4326 longitude/latitude).")
            .Argument<IdGraphType>("objectId", "An object id (layer:id) instead of a point.")
            .Argument<NonNullGraphType<StringGraphType>>("taskType", "The task type, e.g. graffiti.")
            .Argument<DateOnlyGraphType>("on", "The date; today when not given.")
            .Argument<FloatGraphType>("tolerance", "How far from the point an object still counts, in metres (default 10).")
            .ResolveAsync(async c =>
            {
                var at = c.GetArgument<Dictionary<string, object?>?>("at");
                var srid = 4326;
                if (at?.GetValueOrDefault("crs") is string crs && !DigitalTwin.Importers.Reprojection.CrsNames.TryParseEpsg(crs, out srid))
                {
                    throw new ExecutionError($"at.crs: '{crs}' is not a CRS name; use EPSG:4326, EPSG:3879, ...") { Code = "BAD_CRS" };
                }
                var query = new ResponsibilityQuery(
                    at is null ? null : Convert.ToDouble(at["x"], System.Globalization.CultureInfo.InvariantCulture),
                    at is null ? null : Convert.ToDouble(at["y"], System.Globalization.CultureInfo.InvariantCulture),
                    srid, c.GetArgument<string?>("objectId"), c.GetArgument<string>("taskType"),
                    c.GetArgument<DateOnly?>("on"), c.GetArgument<double?>("tolerance"));
                try
                {
                    return await c.RequestServices!.GetRequiredService<ResponsibilityResolver>().ResolveAsync(query, c.CancellationToken);
                }
                catch (ResponsibilityException e)
                {
                    throw new ExecutionError(e.Message) { Code = e.Code };
                }
            });

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaskTypeType>>>>("taskTypes")
            .Description("The task types (case categories), by code.")
            .ResolveAsync(async c => await Store(c).TaskTypesAsync(c.CancellationToken));
    }

    private static CatalogStore Store(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<CatalogStore>();
}

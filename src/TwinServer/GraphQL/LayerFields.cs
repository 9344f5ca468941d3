using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.GraphQL.Types;
using DigitalTwin.Server.Layers;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// A layer's history for GIS staff (issue 17 part 7): <c>layerDiff</c> between two versions, and <c>rollbackLayer</c>.
/// GIS staff and admins only, as for loading layers; the versions themselves are readers' (<c>layers { versions }</c>).
/// </summary>
internal static class LayerFields
{
    private static readonly string[] GisStaff = [TwinRoles.Gis, TwinRoles.Admin];

    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<LayerDiffType>>("layerDiff")
            .Description("What changed between two versions of a layer, by source id: added, removed, moved (how far) and changed fields, with counts (GIS staff and admins).")
            .Argument<NonNullGraphType<StringGraphType>>("layer", "The layer's name.")
            .Argument<NonNullGraphType<IntGraphType>>("from", "The version to compare from (usually the older), e.g. 3.")
            .Argument<NonNullGraphType<IntGraphType>>("to", "The version to compare with, e.g. 4.")
            .Argument<ListGraphType<NonNullGraphType<LayerChangeKindEnum>>>("kinds", "Only changes of these kinds (default all).")
            .Argument<IntGraphType>("first", $"Page size (default {LayerHistory.DefaultPageSize}, at most {LayerHistory.MaxPageSize}).")
            .Argument<StringGraphType>("after", "The cursor to continue after (endCursor).")
            .WithMetadata(RoleRule.RolesKey, GisStaff)
            .ResolveAsync(async c => await History(c).DiffAsync(c.GetArgument<string>("layer"), c.GetArgument<int>("from"), c.GetArgument<int>("to"),
                c.GetArgument<List<LayerChangeKind>?>("kinds"), c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), c.CancellationToken));
    }

    public static void AddMutations(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<LayerType>>("rollbackLayer")
            .Description(
                "Rolls a layer back to an earlier version (GIS staff and admins): a new version, a copy of that one, serves at once (tiles too); " +
                "the versions in between still answer for the dates they served. Refused with STALE_LAYER when expectedVersion no longer serves.")
            .Argument<NonNullGraphType<StringGraphType>>("layer", "The layer's name.")
            .Argument<NonNullGraphType<IntGraphType>>("toVersion", "The earlier version to serve again.")
            .Argument<IntGraphType>("expectedVersion", "The version serving as shown (Layer.version): refused if another serves now.")
            .WithMetadata(RoleRule.RolesKey, GisStaff)
            .ResolveAsync(async c =>
            {
                var layer = c.GetArgument<string>("layer");
                await History(c).RollBackAsync(c.User!, layer, c.GetArgument<int>("toVersion"), c.GetArgument<int?>("expectedVersion"), null, c.CancellationToken);
                return (await c.RequestServices!.GetRequiredService<CatalogStore>().LayersAsync(layer, c.CancellationToken)).Single();
            });
    }

    private static LayerHistory History(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<LayerHistory>();
}

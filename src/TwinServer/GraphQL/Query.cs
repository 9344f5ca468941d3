using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Contracts;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.GraphQL.Types;
using DigitalTwin.Server.MapObjects;
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
            .Description("Who is responsible at a point (or for an object), for a task type, on a date (default today), and why (product contract 3).")
            .Argument<PointInputType>("at", "The point; x/y in its CRS (default EPSG:4326 longitude/latitude).")
            .Argument<IdGraphType>("objectId", "An object id (layer:id), the target. Alone, the stack is taken at a point on it; with at, at that point (the spot clicked on the object).")
            .Argument<NonNullGraphType<StringGraphType>>("taskType", "The task type, e.g. graffiti.")
            .Argument<DateOnlyGraphType>("on", "The date; today when not given.")
            .Argument<FloatGraphType>("tolerance", "How far from the point an object still counts, in metres (default 10).")
            .ResolveAsync(async c =>
            {
                var at = c.GetArgument<Dictionary<string, object?>?>("at");
                var query = new ResponsibilityQuery(
                    at is null ? null : Number(at["x"]), at is null ? null : Number(at["y"]),
                    Srid(at?.GetValueOrDefault("crs"), "at.crs"), c.GetArgument<string?>("objectId"), c.GetArgument<string>("taskType"),
                    c.GetArgument<DateOnly?>("on"), c.GetArgument<double?>("tolerance"));
                var answer = await c.RequestServices!.GetRequiredService<ResponsibilityResolver>().ResolveAsync(query, c.CancellationToken);
                // The organisations came with the answer, in the same round trip.
                c.RequestServices!.GetRequiredService<OrganisationLoader>().Prime(answer.Organisations);
                return answer;
            });

        Field<MapObjectType>("mapObject")
            .Description("One object by its id (layer:id), as its layer is today or on the given date; null if there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The object's id, e.g. sthlm-assets:TK-BRO-0417.")
            .Argument<DateOnlyGraphType>("on", "As the layer was on this date (default today).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<MapObjectSearch>()
                .FindAsync(c.GetArgument<string>("id"), c.GetArgument<DateOnly?>("on"), c.CancellationToken));

        Field<NonNullGraphType<MapObjectConnectionType>>("mapObjects")
            .Description("Objects by layer, kind, type, text, responsibility and place, a page at a time.")
            .Argument<MapObjectFilterInputType>("filter", "What to find.")
            .Argument<IntGraphType>("first", $"Page size (default {MapObjectSearch.DefaultPageSize}, at most {MapObjectSearch.MaxPageSize}).")
            .Argument<StringGraphType>("after", "The cursor to continue after (pageInfo.endCursor).")
            .Argument<MapObjectOrderEnum>("orderBy", "NAME (default) or DISTANCE from filter.near.")
            .ResolveAsync(async c =>
            {
                var f = c.GetArgument<Dictionary<string, object?>?>("filter") ?? [];
                var near = f.GetValueOrDefault("near") as Dictionary<string, object?>;
                var nearPoint = near?["point"] as Dictionary<string, object?>;
                var bbox = f.GetValueOrDefault("bbox") as Dictionary<string, object?>;
                var filter = new MapObjectFilter
                {
                    Layers = Strings(f.GetValueOrDefault("layer")),
                    Kinds = Strings(f.GetValueOrDefault("kind")),
                    Types = Strings(f.GetValueOrDefault("type")),
                    Text = f.GetValueOrDefault("text") as string,
                    Owner = f.GetValueOrDefault("owner") as string,
                    Manager = f.GetValueOrDefault("manager") as string,
                    Contractor = f.GetValueOrDefault("contractor") as string,
                    TaskType = f.GetValueOrDefault("taskType") as string,
                    Bbox = bbox is null ? null : new BoundingBox(Number(bbox["minX"]), Number(bbox["minY"]), Number(bbox["maxX"]), Number(bbox["maxY"]),
                        Srid(bbox.GetValueOrDefault("crs"), "filter.bbox.crs")),
                    Intersects = f.GetValueOrDefault("intersects") as string,
                    IntersectsSrid = Srid(f.GetValueOrDefault("intersectsCrs"), "filter.intersectsCrs"),
                    Near = nearPoint is null ? null : new NearFilter(Number(nearPoint["x"]), Number(nearPoint["y"]),
                        Srid(nearPoint.GetValueOrDefault("crs"), "filter.near.point.crs"), near!.GetValueOrDefault("within") is { } w ? Number(w) : null),
                    On = f.GetValueOrDefault("on") as DateOnly?,
                };
                return await c.RequestServices!.GetRequiredService<MapObjectSearch>().SearchAsync(
                    filter, c.GetArgument("orderBy", MapObjectOrder.Name), c.GetArgument<int?>("first"), c.GetArgument<string?>("after"), c.CancellationToken);
            });

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractType>>>>("contracts")
            .Description("Maintenance contracts (at most 1000), by contractor, commissioner, task type, date and place.")
            .Argument<StringGraphType>("contractor", "Only this contractor's (organisation key).")
            .Argument<StringGraphType>("commissioner", "Only those this organisation commissioned.")
            .Argument<StringGraphType>("taskType", "Only those covering this task type.")
            .Argument<DateOnlyGraphType>("activeOn", "Only those valid on this date (and as the layers were then).")
            .Argument<GeoJsonGraphType>("within", "Only those whose area intersects this GeoJSON geometry.")
            .Argument<StringGraphType>("withinCrs", "The CRS of within (default EPSG:4326).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<ContractStore>().ListAsync(new ContractFilter(
                c.GetArgument<string?>("contractor"), c.GetArgument<string?>("commissioner"), c.GetArgument<string?>("taskType"),
                c.GetArgument<DateOnly?>("activeOn"), c.GetArgument<string?>("within"), Srid(c.GetArgument<string?>("withinCrs"), "withinCrs")), c.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractOverlapType>>>>("contractOverlaps")
            .Description("Where contracts of one commissioner overlap for a task type on a date: conflicts to fix (product contract 3.5).")
            .Argument<StringGraphType>("taskType", "The task type; any common one when not given.")
            .Argument<DateOnlyGraphType>("on", "The date (default today).")
            .Argument<GeoJsonGraphType>("within", "Only inside this GeoJSON geometry.")
            .Argument<StringGraphType>("withinCrs", "The CRS of within (default EPSG:4326).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<ContractStore>().OverlapsAsync(
                c.GetArgument<string?>("taskType"), c.GetArgument<DateOnly?>("on"), c.GetArgument<string?>("within"),
                Srid(c.GetArgument<string?>("withinCrs"), "withinCrs"), c.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CoverageGapType>>>>("coverageGaps")
            .Description("Where nobody is under contract for a task type on a date: a manager's assets, buildings or areas no contract of theirs covers.")
            .Argument<NonNullGraphType<StringGraphType>>("taskType", "The task type, e.g. winter-maintenance.")
            .Argument<DateOnlyGraphType>("on", "The date (default today).")
            .Argument<GeoJsonGraphType>("within", "Only inside this GeoJSON geometry.")
            .Argument<StringGraphType>("withinCrs", "The CRS of within (default EPSG:4326).")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<ContractStore>().GapsAsync(
                c.GetArgument<string>("taskType"), c.GetArgument<DateOnly?>("on"), c.GetArgument<string?>("within"),
                Srid(c.GetArgument<string?>("withinCrs"), "withinCrs"), c.CancellationToken));

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TaskTypeType>>>>("taskTypes")
            .Description("The task types (case categories), by code.")
            .ResolveAsync(async c => await Store(c).TaskTypesAsync(c.CancellationToken));

        // Responsibility and map data are for readers (RoleRule); cases check their callers case by case.
        foreach (var field in Fields) field.WithMetadata(RoleRule.RolesKey, RoleRule.Readers);
        CaseFields.AddQueries(this);
        ReportFields.AddQueries(this);
        LayerFields.AddQueries(this);

        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AuditEntryType>>>>("auditLog")
            .Description("The audit trail, newest first (admins only): sign-ins, reads of personal data, changes to cases, layers, users and keys.")
            .Argument<DateTimeOffsetGraphType>("from", "At or after.")
            .Argument<DateTimeOffsetGraphType>("to", "At or before.")
            .Argument<StringGraphType>("actor", "Only this actor, e.g. user:anna or key:helsinki-app.")
            .Argument<StringGraphType>("action", "Only this action, e.g. read-personal-data.")
            .Argument<StringGraphType>("subject", "Only about this, e.g. case:2026-000123.")
            .Argument<IntGraphType>("first", "How many (default 100, at most 1000).")
            .WithMetadata(RoleRule.RolesKey, new[] { TwinRoles.Admin })
            .ResolveAsync(async c =>
            {
                var first = c.GetArgument<int?>("first") ?? 100;
                if (first is < 1 or > 1000) throw new TwinException(ErrorCodes.BadPageSize, $"first must be 1 to 1000; it was {first}.");
                return await c.RequestServices!.GetRequiredService<Access.AuditTrail>().ReadAsync(new Access.AuditFilter(
                    c.GetArgument<DateTimeOffset?>("from"), c.GetArgument<DateTimeOffset?>("to"), c.GetArgument<string?>("actor"),
                    c.GetArgument<string?>("action"), c.GetArgument<string?>("subject"), first), c.CancellationToken);
            });
    }

    private static CatalogStore Store(IResolveFieldContext context) => context.RequestServices!.GetRequiredService<CatalogStore>();

    internal static int Srid(object? crs, string path) =>
        crs is null ? 4326
        : crs is string text && DigitalTwin.Importers.Reprojection.CrsNames.TryParseEpsg(text, out var srid) ? srid
        : throw new TwinException(ErrorCodes.BadCrs, $"{path}: '{crs}' is not a CRS name; use EPSG:4326, EPSG:3879, EPSG:3011, ...");

    internal static double Number(object? value) => Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);

    private static List<string>? Strings(object? value) => (value as IEnumerable<object?>)?.OfType<string>().ToList();
}

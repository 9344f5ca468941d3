using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Responsibility;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class MapObjectType : ObjectGraphType<StackObject>
{
    public MapObjectType()
    {
        Name = "MapObject";
        Description = "An object of a layer: a parcel, building, asset (bridge, street, park, ...) or area.";
        Field(o => o.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("Stable id: layer:source id.");
        Field(o => o.Layer).Description("The layer it belongs to.");
        Field(o => o.Kind).Description("parcel, building, asset or area.");
        Field(o => o.Type, nullable: true).Description("Infrastructure type, e.g. bridge, street, park.");
        Field(o => o.Name, nullable: true).Description("Its name.");
        Field(o => o.Address, nullable: true).Description("Its address.");
        Field<OrganisationType>("owner").Description("Its owner, where the source says.").Resolve(c => Organisation(c, c.Source.Owner));
        Field<OrganisationType>("manager").Description("Its manager, where the source says.").Resolve(c => Organisation(c, c.Source.Manager));
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("taskTypes").Description("Areas: the task types the area covers (null: all).").Resolve(c => c.Source.TaskTypes);
        Field(o => o.Distance, nullable: true).Description("Distance from the asked point in metres (0 when the point is on it; null when no point was given).");
        Field(o => o.Area).Description("Its area in m² (0 for points and lines).");
        Field<GeoJsonGraphType>("geometry")
            .Description("Its geometry as GeoJSON: RFC 7946 WGS84 longitude/latitude (7 decimals), or in the asked CRS (millimetres).")
            .Argument<StringGraphType>("crs", "Another CRS for the coordinates, e.g. EPSG:3879; WGS84 when not given.")
            .ResolveAsync(async c =>
            {
                var crs = c.GetArgument<string?>("crs");
                if (crs is null || c.Source.GeoJson is "null") return c.Source.GeoJson;
                if (!DigitalTwin.Importers.Reprojection.CrsNames.TryParseEpsg(crs, out var srid))
                    throw new TwinException(ErrorCodes.BadCrs, $"geometry(crs: '{crs}') is not a CRS name; use EPSG:3879, EPSG:3011, ...");
                if (srid == 4326) return c.Source.GeoJson;
                var dataSource = c.RequestServices!.GetRequiredService<Npgsql.NpgsqlDataSource>();
                await using var command = dataSource.CreateCommand(
                    "SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), $2), 3) FROM spatial_ref_sys WHERE srid = $2");
                command.Parameters.AddWithValue(c.Source.GeoJson);
                command.Parameters.AddWithValue(srid);
                try
                {
                    return await command.ExecuteScalarAsync(c.CancellationToken) as string
                        ?? throw new TwinException(ErrorCodes.BadCrs, $"EPSG:{srid} is not a coordinate system we know.");
                }
                catch (Npgsql.PostgresException e)
                {
                    throw new TwinException(ErrorCodes.BadCrs, $"The geometry does not transform to EPSG:{srid}: {e.MessageText}");
                }
            });
        Field<JsonGraphType>("attributes").Description("The source attributes, as the file had them.").Resolve(c => c.Source.Attributes);
    }

    /// <summary>The organisation of a key, batched with the others of the same level of the answer.</summary>
    internal static IDataLoaderResult<Organisation?> Organisation(IResolveFieldContext context, string? key) =>
        context.RequestServices!.GetRequiredService<OrganisationLoader>().Load(key);

    /// <summary>A contract's or subcontract's response times, read with the others of the same level (none: empty).</summary>
    internal static IDataLoaderResult<IReadOnlyList<Reports.ResponseTime>?> ResponseTimes(IResolveFieldContext context, string id) =>
        context.RequestServices!.GetRequiredService<Contracts.ResponseTimeLoader>().Load(id);
}

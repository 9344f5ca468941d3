using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Responsibility;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class PointInputType : InputObjectGraphType
{
    public PointInputType()
    {
        Name = "PointInput";
        Description = "A point: x is longitude or easting, y latitude or northing, in the given CRS.";
        Field<NonNullGraphType<FloatGraphType>>("x").Description("Longitude (EPSG:4326) or easting.");
        Field<NonNullGraphType<FloatGraphType>>("y").Description("Latitude (EPSG:4326) or northing.");
        Field<StringGraphType>("crs").Description("The CRS of x and y: EPSG:4326 (default), EPSG:3879, EPSG:3011, ...").DefaultValue("EPSG:4326");
    }
}

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

public sealed class ContractType : ObjectGraphType<ContractMatch>
{
    public ContractType()
    {
        Name = "Contract";
        Description = "A maintenance contract: a contractor commissioned for task types over an area or a list of objects.";
        Field(c => c.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("Stable id: layer:source id.");
        Field(c => c.SourceId).Description("The contract's own id, e.g. TK-BRO-2025.");
        Field(c => c.Name, nullable: true).Description("Its name.");
        Field<OrganisationType>("contractor").Description("Who does the work.").Resolve(c => MapObjectType.Organisation(c, c.Source.Contractor));
        Field<OrganisationType>("commissioner").Description("Who procured it.").Resolve(c => MapObjectType.Organisation(c, c.Source.Commissioner));
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("taskTypes").Description("The task types it covers (null: all).").Resolve(c => c.Source.TaskTypes);
        Field<DateOnlyGraphType>("validFrom").Description("First valid day (null: open).").Resolve(c => c.Source.ValidFrom);
        Field<DateOnlyGraphType>("validTo").Description("Last valid day, inclusive (null: open).").Resolve(c => c.Source.ValidTo);
        Field(c => c.ListsTarget, nullable: true).Description("In a responsibility answer: it names the target object in its object list.");
        Field(c => c.CoversPoint, nullable: true).Description("In a responsibility answer: its area covers the point.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("objects").Description("The objects it names (layer:id), besides its area.").Resolve(c => c.Source.Covers);
        Field<GeoJsonGraphType>("area").Description("Its area as GeoJSON in WGS84 (null: it covers only named objects).").Resolve(c => c.Source.GeoJson);
        Field<FloatGraphType>("areaSquareMetres").Description("The size of its area in m².").Resolve(c => c.Source.Area);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseTimeType>>>>("responseTimes")
            .Description("How soon the contractor must have done each task type after a case is forwarded.")
            .Resolve(c => MapObjectType.ResponseTimes(c, c.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SubcontractType>>>>("subcontracts").Description("The subcontracts under it.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<Contracts.ContractStore>().SubcontractsAsync(c.Source, c.CancellationToken));
    }
}

public sealed class SubcontractType : ObjectGraphType<SubcontractMatch>
{
    public SubcontractType()
    {
        Name = "Subcontract";
        Description = "A subcontract under a contract: a subcontractor for some of its task types, possibly in a sub-area.";
        Field(s => s.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("Stable id: layer:source id.");
        Field(s => s.SourceId).Description("Its own id.");
        Field(s => s.Name, nullable: true).Description("Its name.");
        Field<OrganisationType>("subcontractor").Description("Who does the work.").Resolve(c => MapObjectType.Organisation(c, c.Source.Subcontractor));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseTimeType>>>>("responseTimes")
            .Description("How soon the subcontractor must have done each task type after a case is forwarded (none: the contract's times).")
            .Resolve(c => MapObjectType.ResponseTimes(c, c.Source.Id));
    }
}

public sealed class RecipientRoleEnum : EnumerationGraphType<RecipientRole>
{
    public RecipientRoleEnum()
    {
        Name = "RecipientRole";
        Description = "In which role the recipient gets the case (product contract 3.7 order).";
    }
}

public sealed class ManagerSourceEnum : EnumerationGraphType<ManagerSource>
{
    public ManagerSourceEnum()
    {
        Name = "ManagerSource";
        Description = "Where the manager came from: the object, a building's owner, a management area, the land owner.";
    }
}

public sealed class ResponsibilityType : ObjectGraphType<ResponsibilityAnswer>
{
    public ResponsibilityType()
    {
        Name = "Responsibility";
        Description = "Who is responsible for a spot, for a task type, on a date, and why.";
        Field(r => r.TaskType).Description("The task type asked about.");
        Field<NonNullGraphType<DateOnlyGraphType>>("on").Description("The date the answer is for.").Resolve(c => c.Source.On);
        Field(r => r.Tolerance).Description("The tolerance used, in metres.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MapObjectType>>>>("stack")
            .Description("Every object at the spot: assets, buildings, areas, parcels; nearest first, then smallest.").Resolve(c => c.Source.Stack);
        Field<MapObjectType>("target").Description("The object the case is about (null: nothing here).").Resolve(c => c.Source.Target);
        Field<OrganisationType>("landOwner").Description("The owner of the parcel under the target.").Resolve(c => MapObjectType.Organisation(c, c.Source.LandOwner));
        Field<OrganisationType>("owner").Description("The target's owner.").Resolve(c => MapObjectType.Organisation(c, c.Source.Owner));
        Field<OrganisationType>("manager").Description("The administration or company that manages the target and procures its upkeep.").Resolve(c => MapObjectType.Organisation(c, c.Source.Manager));
        Field<NonNullGraphType<ManagerSourceEnum>>("managerSource").Description("Where the manager came from.").Resolve(c => c.Source.ManagerSource);
        Field<MapObjectType>("managementArea").Description("The management area that gave the manager, when one did.").Resolve(c => c.Source.ManagementArea);
        Field<ContractType>("contract").Description("The contract for the task here on the date (null: none, or a conflict).").Resolve(c => c.Source.Contract);
        Field<SubcontractType>("subcontract").Description("The subcontract under it for the task, if any.").Resolve(c => c.Source.Subcontract);
        Field<OrganisationType>("recipient").Description("Who the case goes to.").Resolve(c => MapObjectType.Organisation(c, c.Source.Recipient));
        Field<IdGraphType>("recipientKey").Description("The recipient's organisation key.").Resolve(c => c.Source.Recipient);
        Field<NonNullGraphType<RecipientRoleEnum>>("recipientRole").Description("In which role the recipient gets it.").Resolve(c => c.Source.RecipientRole);
        Field<NonNullGraphType<BooleanGraphType>>("fallback").Resolve(c => c.Source.IsFallback).Description("True when no contractor or subcontractor is the recipient.");
        Field<NonNullGraphType<BooleanGraphType>>("conflict").Resolve(c => c.Source.HasConflict).Description("True when two or more contracts apply at the same level: a data error to fix.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractType>>>>("candidates")
            .Description("On a conflict, the competing contracts.").Resolve(c => c.Source.Conflicts);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("explanation")
            .Description("One line per step: the layers, objects, contracts and dates used, and why any fallback.").Resolve(c => c.Source.Explanation);
    }
}

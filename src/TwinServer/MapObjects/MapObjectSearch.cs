using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DigitalTwin.Data.Database;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Responsibility;
using NetTopologySuite.Geometries;
using Npgsql;

namespace DigitalTwin.Server.MapObjects;

/// <summary>A bounding box in some CRS.</summary>
public sealed record BoundingBox(double MinX, double MinY, double MaxX, double MaxY, int Srid);

/// <summary>A point to measure from, in some CRS, and optionally the largest distance in metres.</summary>
public sealed record NearFilter(double X, double Y, int Srid, double? Within);

/// <summary>What to find. Every member narrows the search; none is required.</summary>
public sealed record MapObjectFilter
{
    public IReadOnlyList<string>? Layers { get; init; }
    public IReadOnlyList<string>? Kinds { get; init; }
    public IReadOnlyList<string>? Types { get; init; }
    public string? Text { get; init; }
    public string? Owner { get; init; }
    public string? Manager { get; init; }
    public string? Contractor { get; init; }
    public string? TaskType { get; init; }
    public BoundingBox? Bbox { get; init; }
    public string? Intersects { get; init; }
    public int IntersectsSrid { get; init; } = 4326;
    public NearFilter? Near { get; init; }
    public DateOnly? On { get; init; }
}

public enum MapObjectOrder { Name, Distance }

/// <summary>One page of objects; the total is counted only when asked for.</summary>
public sealed record MapObjectPage(IReadOnlyList<MapObjectEdge> Edges, bool HasNextPage, Func<CancellationToken, Task<long>> CountAsync);

public sealed record MapObjectEdge(StackObject Node, string Cursor);

/// <summary>
/// Finds map objects by layer, kind, type, text, responsibility and place, in pages with opaque keyset cursors
/// (stable and fast at any depth). The SQL is the query of map_objects.sql plus conditions chosen from the fixed
/// fragments below; every value the caller gives is a parameter.
/// </summary>
public sealed class MapObjectSearch(NpgsqlDataSource dataSource, TimeProvider time)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;
    public const int MaxGeoJsonLength = 1_000_000;

    public async Task<StackObject?> FindAsync(string id, DateOnly? on, CancellationToken cancellationToken)
    {
        var page = await SearchAsync(new MapObjectFilter { On = on }, MapObjectOrder.Name, 1, null, cancellationToken, id);
        return page.Edges.Count == 0 ? null : page.Edges[0].Node;
    }

    public async Task<MapObjectPage> SearchAsync(MapObjectFilter filter, MapObjectOrder order, int? first, string? after, CancellationToken cancellationToken, string? id = null)
    {
        var size = first ?? DefaultPageSize;
        if (size is < 0 or > MaxPageSize) throw new TwinException(ErrorCodes.PageTooLarge, $"first must be between 0 and {MaxPageSize}; it was {size}.");
        if (filter.Intersects is { Length: > MaxGeoJsonLength })
            throw new TwinException(ErrorCodes.GeoJsonTooLarge, $"filter.intersects is {filter.Intersects.Length:N0} characters; the limit is {MaxGeoJsonLength:N0}.");

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var served = await ServedVersions.ResolveAsync(connection, filter.On ?? DateOnly.FromDateTime(time.GetLocalNow().Date), time, cancellationToken);
        Point? from = filter.Near is { } near ? await ResponsibilityResolver.PointAsync(connection, near.X, near.Y, near.Srid, cancellationToken) : null;
        if (order == MapObjectOrder.Distance && from is null)
            throw new TwinException(ErrorCodes.BadRequest, "orderBy DISTANCE needs filter.near, the point to measure from.");

        var parameters = new List<object?> { served.Ids, (object?)from ?? DBNull.Value };
        string P(object? value)
        {
            parameters.Add(value ?? DBNull.Value);
            return "$" + parameters.Count.ToString(CultureInfo.InvariantCulture);
        }

        var where = new StringBuilder();
        void And(string condition) => where.Append("\n  AND ").Append(condition);
        if (id is not null) And($"twin_object_id(o.layer, o.source_id) = {P(id)}");
        if (filter.Layers is { Count: > 0 }) And($"o.layer = ANY ({P(filter.Layers.ToArray())})");
        if (filter.Kinds is { Count: > 0 }) And($"o.kind = ANY ({P(filter.Kinds.ToArray())})");
        if (filter.Types is { Count: > 0 }) And($"o.type = ANY ({P(filter.Types.ToArray())})");
        if (!string.IsNullOrWhiteSpace(filter.Text))
        {
            var like = P(LikePattern.Containing(filter.Text.Trim()));
            // Accents and case folded on both sides (migration 0015): "Gotgatan" finds Götgatan.
            And($"(twin_fold(o.name) LIKE twin_fold({like}) ESCAPE '\\' OR twin_fold(o.address) LIKE twin_fold({like}) ESCAPE '\\' " +
                $"OR twin_fold(twin_object_id(o.layer, o.source_id)) LIKE twin_fold({like}) ESCAPE '\\')");
        }
        if (filter.Owner is not null) And($"o.owner = {P(filter.Owner)}");
        if (filter.Manager is not null) And($"o.manager = {P(filter.Manager)}");
        if (filter.Contractor is not null || filter.TaskType is not null)
        {
            // Contract and subcontract objects match by their own fields; other objects by a contract that covers them.
            var contractor = P(filter.Contractor);
            var task = P(filter.TaskType);
            var date = P(filter.On ?? DateOnly.FromDateTime(time.GetLocalNow().Date));
            And($"""
                (CASE o.kind
                   WHEN 'contract' THEN ({contractor}::text IS NULL OR o.contractor = {contractor}) AND ({task}::text IS NULL OR o.task_types IS NULL OR {task} = ANY (o.task_types))
                   WHEN 'subcontract' THEN ({contractor}::text IS NULL OR o.subcontractor = {contractor}) AND ({task}::text IS NULL OR o.task_types IS NULL OR {task} = ANY (o.task_types))
                   ELSE EXISTS (
                     SELECT 1 FROM map_objects c
                     WHERE c.version_id = ANY ($1) AND c.kind = 'contract' AND c.valid @> {date}::date
                       AND ({contractor}::text IS NULL OR c.contractor = {contractor})
                       AND ({task}::text IS NULL OR c.task_types IS NULL OR {task} = ANY (c.task_types))
                       AND (twin_object_id(o.layer, o.source_id) = ANY (c.covers) OR ST_Intersects(c.geom, o.geom)))
                 END)
                """);
        }
        if (filter.Bbox is { } box)
        {
            And($"ST_Intersects(o.geom, ST_Transform(ST_MakeEnvelope({P(box.MinX)}, {P(box.MinY)}, {P(box.MaxX)}, {P(box.MaxY)}, {P(box.Srid)}), twin_storage_srid()))");
        }
        if (filter.Intersects is not null)
        {
            And($"ST_Intersects(o.geom, ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON({P(filter.Intersects)}), {P(filter.IntersectsSrid)}), twin_storage_srid()))");
        }
        if (filter.Near?.Within is { } within)
        {
            if (within is < 0 or > 100_000) throw new TwinException(ErrorCodes.BadDistance, "filter.near.within must be between 0 and 100000 metres.");
            And($"ST_DWithin(o.geom, $2, {P(within)})");
        }
        var countWhere = where.ToString();
        var countParameters = parameters.ToList();

        // Keyset paging: the sort key of the last row seen, and its id to break ties.
        var (sortKey, orderBy) = order == MapObjectOrder.Distance
            ? ("(o.geom <-> $2)", "o.geom <-> $2, 1")
            : ("coalesce(o.name, chr(1114111))", "coalesce(o.name, chr(1114111)) COLLATE \"C\", 1");
        if (after is not null)
        {
            var (key, lastId) = DecodeCursor(after, order);
            And(order == MapObjectOrder.Distance
                ? $"((o.geom <-> $2) > {P(double.Parse(key, CultureInfo.InvariantCulture))} OR ((o.geom <-> $2) = {P(double.Parse(key, CultureInfo.InvariantCulture))} AND twin_object_id(o.layer, o.source_id) > {P(lastId)}))"
                : $"({sortKey} COLLATE \"C\" > {P(key)} OR ({sortKey} = {P(key)} AND twin_object_id(o.layer, o.source_id) > {P(lastId)}))");
        }
        var sql = SqlResources.Get("MapObjects/map_objects.sql") + where + $"\nORDER BY {orderBy}\nLIMIT {P(size + 1)}";

        var edges = new List<MapObjectEdge>();
        var hasNext = false;
        await using (var command = new NpgsqlCommand(sql, connection))
        {
            foreach (var p in parameters) command.Parameters.AddWithValue(p!);
            try
            {
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (edges.Count == size)
                    {
                        hasNext = true;
                        break;
                    }
                    var node = Read(reader);
                    var key = order == MapObjectOrder.Distance
                        ? node.Distance!.Value.ToString("R", CultureInfo.InvariantCulture)
                        : node.Name ?? char.ConvertFromUtf32(1114111);
                    edges.Add(new MapObjectEdge(node, EncodeCursor(key, node.Id)));
                }
            }
            catch (PostgresException e) when (filter.Intersects is not null && e.SqlState is "XX000" or "22023" or "22P02")
            {
                throw new TwinException(ErrorCodes.BadGeoJson, $"filter.intersects is not a GeoJSON geometry PostGIS can read: {e.MessageText}");
            }
        }

        return new MapObjectPage(edges, hasNext, async ct =>
        {
            await using var countConnection = await dataSource.OpenConnectionAsync(ct);
            await using var count = new NpgsqlCommand($"SELECT count(*) FROM map_objects o WHERE o.version_id = ANY ($1) AND ($2::geometry IS NULL OR true){countWhere}", countConnection);
            foreach (var p in countParameters) count.Parameters.AddWithValue(p!);
            return (long)(await count.ExecuteScalarAsync(ct))!;
        });
    }

    /// <summary>
    /// Reads a map object in the column order every map object query here shares (map_objects.sql, stack.sql,
    /// object.sql): id, layer, kind, type, name, address, owner, manager, task types, distance, area, GeoJSON, attributes.
    /// </summary>
    internal static StackObject Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetStringOrNull(3), reader.GetStringOrNull(4), reader.GetStringOrNull(5),
        reader.GetStringOrNull(6), reader.GetStringOrNull(7), reader.IsDBNull(8) ? null : reader.GetFieldValue<string[]>(8),
        reader.IsDBNull(9) ? null : reader.GetDouble(9), reader.GetDouble(10), reader.GetString(11), reader.GetStringOrNull(12));

    private static string EncodeCursor(string key, string id) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { key, id }));

    private static (string Key, string Id) DecodeCursor(string cursor, MapObjectOrder order)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (parts is [var key, var id] && (order != MapObjectOrder.Distance || double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            {
                return (key, id);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
        }
        throw new TwinException(ErrorCodes.BadCursor, "after is not a cursor of this query's order; use an endCursor or edge cursor from a previous page.");
    }
}

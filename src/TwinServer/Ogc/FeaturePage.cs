using System.Globalization;
using System.Text.Json;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Microsoft.AspNetCore.Http.Extensions;
using Npgsql;

namespace DigitalTwin.Server.Ogc;

/// <summary>
/// One page of a collection's items, streamed as a GeoJSON FeatureCollection while PostGIS reads it: the page and,
/// when the list is filtered, the count of what matches go to the database in one round trip; the answer starts only
/// once the first row is in, so a refusal or an outage is still answered as one (problem+json, 503). Keyset paging:
/// the next link carries the last source id, the prev link the first; a page before a cursor is read backwards and
/// written in order.
/// </summary>
internal sealed class FeaturePage(OgcStore store, string layer, OgcVersion version, ItemsQuery query, string itemsUrl, TimeProvider time) : IResult
{
    /// <summary>Flush to the client every so many features, so that a large page streams rather than fills memory.</summary>
    private const int FlushEvery = 200;

    public async Task ExecuteAsync(HttpContext http)
    {
        var cancellationToken = http.RequestAborted;
        var filtered = query.Bbox is not null || query.Datetime is not null || query.Equal.Count > 0;
        var backwards = query.Before is not null;
        var features = SqlResources.Get("Ogc/features.sql");

        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (filtered)
        {
            var count = new NpgsqlBatchCommand($"SELECT count(*) FROM ({features}) matched");
            count.Parameters.AddRange(OgcStore.FeatureParameters(version.Id, query, null, keyset: false));
            batch.BatchCommands.Add(count);
        }
        var page = new NpgsqlBatchCommand($"{features}ORDER BY o.source_id {(backwards ? "DESC" : "ASC")}\nLIMIT {query.Limit + 1}");
        page.Parameters.AddRange(OgcStore.FeatureParameters(version.Id, query, null, keyset: true));
        batch.BatchCommands.Add(page);

        NpgsqlDataReader reader;
        long matched = version.FeatureCount;
        bool first;
        try
        {
            reader = await batch.ExecuteReaderAsync(cancellationToken);
            if (filtered)
            {
                await reader.ReadAsync(cancellationToken);
                matched = reader.GetInt64(0);
                await reader.NextResultAsync(cancellationToken);
            }
            first = await reader.ReadAsync(cancellationToken);
        }
        catch (PostgresException e) when (IsTransformError(e))
        {
            throw query.Bbox is not null
                ? new TwinException(ErrorCodes.BadBbox, $"The bbox does not transform from {query.Bbox.Crs.Uri} to the layer's CRS, or the features not to {query.Crs.Uri}: {e.MessageText}")
                : new TwinException(ErrorCodes.BadCrs, $"The features do not transform to {query.Crs.Uri}: {e.MessageText}");
        }

        await using (reader)
        {
            // Backwards: the page's rows newest first, and one more when there is a page before them.
            var rows = new List<FeatureRow>();
            var more = false;
            http.Response.ContentType = OgcEndpoints.GeoJson;
            http.Response.Headers["Content-Crs"] = query.Crs.Header;
            var json = new Utf8JsonWriter(http.Response.BodyWriter);
            json.WriteStartObject();
            json.WriteString("type", "FeatureCollection");
            json.WriteString("timeStamp", time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            json.WriteNumber("numberMatched", matched);
            json.WriteStartArray("features");
            string? firstId = null, lastId = null;
            var returned = 0;
            for (var any = first; any; any = await reader.ReadAsync(cancellationToken))
            {
                if (returned + rows.Count == query.Limit)
                {
                    more = true;
                    break;
                }
                var row = FeatureRow.Read(reader);
                if (backwards)
                {
                    rows.Add(row);
                    continue;
                }
                firstId ??= row.SourceId;
                lastId = row.SourceId;
                FeatureJson.Write(json, row);
                if (++returned % FlushEvery == 0)
                {
                    await json.FlushAsync(cancellationToken);
                    await http.Response.BodyWriter.FlushAsync(cancellationToken);
                }
            }
            for (var i = rows.Count - 1; i >= 0; i--)
            {
                firstId ??= rows[i].SourceId;
                lastId = rows[i].SourceId;
                FeatureJson.Write(json, rows[i]);
                returned++;
            }
            json.WriteEndArray();
            json.WriteNumber("numberReturned", returned);
            // Forward, a next page when a row was left over and a prev one when this page followed a cursor; backwards, the mirror.
            var hasNext = backwards ? firstId is not null : more;
            var hasPrev = backwards ? more : query.After is not null && firstId is not null;
            json.WriteStartArray("links");
            OgcEndpoints.WriteLink(json, http.Request.GetEncodedUrl(), "self", OgcEndpoints.GeoJson, "This page");
            OgcEndpoints.WriteLink(json, OgcEndpoints.CollectionUrl(http, layer), "collection", OgcEndpoints.Json, "The collection");
            if (hasNext && lastId is not null) OgcEndpoints.WriteLink(json, PageUrl(http, "after", lastId), "next", OgcEndpoints.GeoJson, "The next page");
            if (hasPrev && firstId is not null) OgcEndpoints.WriteLink(json, PageUrl(http, "before", firstId), "prev", OgcEndpoints.GeoJson, "The previous page");
            json.WriteEndArray();
            json.WriteEndObject();
            await json.FlushAsync(cancellationToken);
            await json.DisposeAsync();
        }
    }

    /// <summary>This request's URL with its cursor replaced: every other parameter as the client gave it.</summary>
    private string PageUrl(HttpContext http, string cursor, string sourceId)
    {
        var parameters = http.Request.Query.Where(p => p.Key is not ("after" or "before"))
            .SelectMany(p => p.Value.Select(v => KeyValuePair.Create(p.Key, v)))
            .Append(KeyValuePair.Create(cursor, (string?)ItemsQuery.CursorOf(sourceId)));
        return itemsUrl + QueryString.Create(parameters).ToUriComponent();
    }

    /// <summary>PostGIS could not transform a geometry (PROJ's error, raised by ST_Transform).</summary>
    internal static bool IsTransformError(PostgresException e) => e.SqlState is PostgresErrorCodes.InternalError or PostgresErrorCodes.InvalidParameterValue
        && (e.MessageText.Contains("transform", StringComparison.OrdinalIgnoreCase) || e.MessageText.Contains("project", StringComparison.OrdinalIgnoreCase));
}

using System.Globalization;
using System.Text.Json;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Database;
using DigitalTwin.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Npgsql;

namespace DigitalTwin.Server.Ogc;

/// <summary>
/// <c>/ogc</c>: OGC API Features Part 1 (Core, GeoJSON, OpenAPI 3.0) and Part 2 (CRS by Reference) over every layer
/// that serves (product contract section 4), so that GDAL's OAPIF driver, QGIS and ArcGIS read our layers as they
/// are. A layer is a collection; its items are the objects of its serving version, or of the version that served at
/// <c>datetime</c>. Readable by the readers of GraphQL's map data (<see cref="AccessExtensions.ReaderPolicy"/>), with
/// a key in a header or a session. Every refusal is problem+json with a code.
/// </summary>
internal static class OgcEndpoints
{
    public const string Json = "application/json";
    public const string GeoJson = "application/geo+json";
    public const string OpenApi = "application/vnd.oai.openapi+json;version=3.0";

    /// <summary>The conformance classes implemented (and only those: no HTML).</summary>
    public static IReadOnlyList<string> ConformanceClasses { get; } =
    [
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    ];

    private const int MaxParameterLength = 1000;

    public static IServiceCollection AddTwinOgc(this IServiceCollection services) => services.AddSingleton<OgcStore>();

    public static void MapTwinOgc(this IEndpointRouteBuilder app)
    {
        var ogc = app.MapGroup("/ogc").RequireAuthorization(AccessExtensions.ReaderPolicy);
        ogc.MapGet("", Landing);
        ogc.MapGet("/conformance", Conformance);
        ogc.MapGet("/api", Api);
        ogc.MapGet("/collections", CollectionsAsync);
        ogc.MapGet("/collections/{layer}", CollectionAsync);
        ogc.MapGet("/collections/{layer}/items", ItemsAsync);
        ogc.MapGet("/collections/{layer}/items/{featureId}", ItemAsync);
    }

    private static IResult Landing(HttpContext http)
    {
        CheckParameters(http.Request.Query, ["f"]);
        var root = RootUrl(http);
        return Answer(new
        {
            title = "DigitalTwin",
            description = "The city's map layers (parcels, buildings, assets, management and contract areas) as OGC API Features.",
            links = new[]
            {
                Link(root, "self", Json, "This document"),
                Link($"{root}/api", "service-desc", OpenApi, "The API definition (OpenAPI 3.0)"),
                Link($"{root}/conformance", "conformance", Json, "The conformance classes implemented"),
                Link($"{root}/collections", "data", Json, "The collections: one per layer"),
            },
        }, Json);
    }

    private static IResult Conformance(HttpContext http)
    {
        CheckParameters(http.Request.Query, ["f"]);
        return Answer(new { conformsTo = ConformanceClasses }, Json);
    }

    private static IResult Api(HttpContext http)
    {
        CheckParameters(http.Request.Query, ["f"]);
        return Results.Text(SqlResources.Get("Ogc/openapi.json"), OpenApi);
    }

    private static async Task<IResult> CollectionsAsync(HttpContext http, OgcStore store, LayerExtents extents, CancellationToken cancellationToken)
    {
        CheckParameters(http.Request.Query, ["f"]);
        var collections = new List<object>();
        foreach (var collection in await store.CollectionsAsync(null, cancellationToken))
        {
            collections.Add(await DescribeAsync(http, collection, extents, cancellationToken));
        }
        var root = RootUrl(http);
        return Answer(new
        {
            links = new[] { Link($"{root}/collections", "self", Json, "This document") },
            collections,
            crs = OgcCrs.All.Select(c => c.Uri),
        }, Json);
    }

    private static async Task<IResult> CollectionAsync(HttpContext http, string layer, OgcStore store, LayerExtents extents, CancellationToken cancellationToken)
    {
        CheckParameters(http.Request.Query, ["f"]);
        var collection = await FindAsync(store, layer, cancellationToken);
        return Answer(await DescribeAsync(http, collection, extents, cancellationToken), Json);
    }

    private static async Task<IResult> ItemsAsync(HttpContext http, string layer, OgcStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = ItemsQuery.ForItems(http.Request.Query, time);
        var version = await VersionAsync(store, layer, query, cancellationToken);
        return new FeaturePage(store, layer, version, query, $"{CollectionUrl(http, layer)}/items", time);
    }

    private static async Task<IResult> ItemAsync(HttpContext http, string layer, OgcStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = ItemsQuery.ForItem(http.Request.Query, time);
        var id = FeatureIdOf(http, layer);
        var version = await VersionAsync(store, layer, query, cancellationToken);

        await using var connection = await store.DataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(SqlResources.Get("Ogc/features.sql"), connection);
        command.Parameters.AddRange(OgcStore.FeatureParameters(version.Id, query, id, keyset: false));
        FeatureRow row;
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                throw new TwinException(ErrorCodes.UnknownFeature, $"Collection '{layer}' has no feature '{id}'{(query.Datetime is null ? "" : " in the version that served then")}.");
            row = FeatureRow.Read(reader);
        }
        catch (PostgresException e) when (FeaturePage.IsTransformError(e))
        {
            throw new TwinException(ErrorCodes.BadCrs, $"The feature does not transform to {query.Crs.Uri}: {e.MessageText}");
        }

        var collectionUrl = CollectionUrl(http, layer);
        var itemUrl = $"{collectionUrl}/items/{Uri.EscapeDataString(id)}";
        http.Response.Headers["Content-Crs"] = query.Crs.Header;
        using var buffer = new MemoryStream();
        await using (var json = new Utf8JsonWriter(buffer))
        {
            FeatureJson.Write(json, row, j =>
            {
                j.WriteStartArray("links");
                WriteLink(j, itemUrl, "self", GeoJson, "This feature");
                WriteLink(j, collectionUrl, "collection", Json, "The collection");
                j.WriteEndArray();
            });
        }
        return Results.Bytes(buffer.ToArray(), GeoJson);
    }

    /// <summary>
    /// The feature id as the client sent it, decoded once: from the raw request target, since the server decodes
    /// the path but keeps %2F, and a source id may hold a slash.
    /// </summary>
    private static string FeatureIdOf(HttpContext http, string layer)
    {
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path.Value ?? "";
        var path = raw.Split('?', 2)[0];
        var marker = $"/collections/{layer}/items/";
        var at = path.IndexOf(marker, StringComparison.Ordinal);
        var encoded = at < 0 ? (string)http.GetRouteValue("featureId")! : path[(at + marker.Length)..];
        string id;
        try
        {
            id = Uri.UnescapeDataString(encoded);
        }
        catch (UriFormatException)
        {
            id = encoded;
        }
        if (TextRules.Problem("The feature id", id) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        return id;
    }

    private static async Task<OgcCollection> FindAsync(OgcStore store, string layer, CancellationToken cancellationToken)
    {
        if (!LayerNames.IsValid(layer)) throw UnknownCollection(layer);
        var found = await store.CollectionsAsync(layer, cancellationToken);
        return found.Count == 1 ? found[0] : throw UnknownCollection(layer);
    }

    private static async Task<OgcVersion> VersionAsync(OgcStore store, string layer, ItemsQuery query, CancellationToken cancellationToken)
    {
        if (!LayerNames.IsValid(layer)) throw UnknownCollection(layer);
        return await store.VersionAsync(layer, query.Datetime?.Moment, cancellationToken) ?? throw UnknownCollection(layer);
    }

    private static TwinException UnknownCollection(string layer) => new(ErrorCodes.UnknownLayer,
        $"There is no collection '{layer}'; /ogc/collections lists them (a collection is a layer: {LayerNames.Rule}).");

    /// <summary>A collection as Part 1 and Part 2 describe it: links, the extent in CRS84 and time, its CRSs.</summary>
    private static async Task<object> DescribeAsync(HttpContext http, OgcCollection collection, LayerExtents extents, CancellationToken cancellationToken)
    {
        var url = CollectionUrl(http, collection.Name);
        var box = await extents.OfVersionAsync(collection.VersionId, cancellationToken);
        var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
        return new
        {
            id = collection.Name,
            title = collection.Name,
            description = $"Layer {collection.Name}: {collection.FeatureCount.ToString("N0", CultureInfo.InvariantCulture)} {collection.Kind} objects, version {collection.Version} (loaded from {collection.SourceCrs}).",
            links = new[]
            {
                Link(url, "self", Json, "This collection"),
                Link($"{url}/items", "items", GeoJson, $"The objects of {collection.Name}"),
                Link($"{root}/tiles/{collection.Name}.json", "tiles", "application/vnd.mapbox.tile+json", "Vector tiles (TileJSON 3.0)"),
            },
            extent = new
            {
                spatial = new { bbox = box is null ? Array.Empty<double[]>() : new[] { new[] { box.West, box.South, box.East, box.North } }, crs = OgcCrs.Crs84Uri },
                temporal = new
                {
                    interval = new[] { new string?[] { collection.FirstServed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), null } },
                    trs = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
                },
            },
            itemType = "feature",
            crs = OgcCrs.All.Select(c => c.Uri),
            storageCrs = $"http://www.opengis.net/def/crs/EPSG/0/{StorageCrs.Srid.ToString(CultureInfo.InvariantCulture)}",
        };
    }

    /// <summary>
    /// Refuses a parameter the endpoint does not know (400, as Core requires), one given twice, or a value that is too
    /// long or holds what text may not (a NUL, control characters).
    /// </summary>
    public static void CheckParameters(IQueryCollection query, IReadOnlyCollection<string> known)
    {
        foreach (var (name, values) in query)
        {
            if (!known.Contains(name))
            {
                throw new TwinException(ErrorCodes.BadParameter,
                    $"'{TextRules.Clean(name)}' is not a parameter here; this endpoint takes {string.Join(", ", known)}.");
            }
            if (values.Count != 1) throw new TwinException(ErrorCodes.BadParameter, $"{name} is given {values.Count} times; give it once.");
            var value = values[0] ?? "";
            if (value.Length > MaxParameterLength) throw new TwinException(ErrorCodes.BadParameter, $"{name} is longer than {MaxParameterLength} characters.");
            if (TextRules.Problem(name, value) is { } problem) throw new TwinException(ErrorCodes.BadText, problem);
        }
        CheckFormat(query);
    }

    /// <summary><c>f</c>: JSON (GeoJSON for features) is the one encoding served.</summary>
    private static void CheckFormat(IQueryCollection query)
    {
        if (query.TryGetValue("f", out var f) && f[0] is not ("json" or "geojson"))
            throw new TwinException(ErrorCodes.NotAcceptable, $"f={f[0]} is not served; the API answers in JSON (f=json), features in GeoJSON.");
    }

    public static string CollectionUrl(HttpContext http, string layer) => $"{RootUrl(http)}/collections/{Uri.EscapeDataString(layer)}";

    private static string RootUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/ogc";

    private static object Link(string href, string rel, string type, string title) => new { href, rel, type, title };

    public static void WriteLink(Utf8JsonWriter json, string href, string rel, string type, string title)
    {
        json.WriteStartObject();
        json.WriteString("href", href);
        json.WriteString("rel", rel);
        json.WriteString("type", type);
        json.WriteString("title", title);
        json.WriteEndObject();
    }

    private static IResult Answer(object body, string contentType) => Results.Json(body, JsonOptions, contentType);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

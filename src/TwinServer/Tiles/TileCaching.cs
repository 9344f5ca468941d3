using Microsoft.Net.Http.Headers;

namespace DigitalTwin.Server.Tiles;

/// <summary>
/// How every tile route tells the browser what it may keep: a tile that names the version it is of (<c>?v=N</c>,
/// <c>layers=a:N</c>) is the same for good (<c>immutable</c>, a year); any other is revalidated by its ETag, which names
/// what it was drawn from (layer versions, the basemap's revision) and its address, so a 304 costs no drawing.
/// </summary>
internal static class TileCaching
{
    private const string ForGood = "public, max-age=31536000, immutable";
    private const string Revalidate = "no-cache";

    /// <summary>
    /// Sets the answer's <c>Cache-Control</c> and <c>ETag</c> (<paramref name="tag"/>, without quotes) and gives 304 when
    /// the browser's copy has that ETag (<c>If-None-Match</c>, weak comparison as RFC 9110 asks for GET); null when the
    /// tile is to be sent.
    /// </summary>
    public static IResult? NotModified(HttpContext http, string tag, bool pinned)
    {
        var etag = new EntityTagHeaderValue($"\"{tag}\"");
        http.Response.Headers.CacheControl = pinned ? ForGood : Revalidate;
        http.Response.Headers.ETag = etag.ToString();
        return http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } match && match.Any(m => m.Compare(etag, useStrongComparison: false))
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : null;
    }
}

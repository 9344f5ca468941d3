using DigitalTwin.Server.Access;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// A case's photos over HTTP, under the case's own access rules: handlers and admins (a session or a key) see every
/// case's; a contractor's key only those of the cases sent to it. Anyone else is told nothing exists.
/// </summary>
internal static class MediaEndpoints
{
    public static void MapTwinCaseMedia(this WebApplication app) =>
        app.MapGet("/media/cases/{number}/{id:long}", async (HttpContext http, string number, long id, CaseStore cases) =>
        {
            var caller = http.User;
            if (!caller.IsSignedIn()) throw new TwinException(ErrorCodes.Unauthenticated, "Photos of cases need a key or a session.");
            var found = await cases.FindAsync(number, http.RequestAborted);
            var allowed = found is not null && (caller.HandlesCases() || caller.ContractorOrganisation() is { } organisation && found.Assignee == organisation);
            if (!allowed || await cases.PhotoAsync(found!.Id, id, http.RequestAborted) is not { } photo)
                throw new TwinException(ErrorCodes.UnknownCase, $"There is no photo {id} of a case {number} that this caller may see.");
            // Served as the image it was checked to be, never sniffed as anything else, and kept out of shared caches.
            http.Response.Headers.XContentTypeOptions = "nosniff";
            http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
            http.Response.Headers.CacheControl = "private, max-age=3600";
            return Results.Bytes(photo.Bytes, photo.ContentType);
        });
}

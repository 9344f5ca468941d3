using DigitalTwin.Server.Errors;
using DigitalTwin.Importers.Catalog;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Importers.Sources.Gdal;
using DigitalTwin.Server.Tiles;
using Npgsql;

namespace DigitalTwin.Server.Layers;

/// <summary>
/// <c>POST /layers/{name}/import</c>: GIS staff (and admins) load a layer over HTTP, with the same importer, checks and
/// atomic replace as <c>./twin import</c> (which acts as the local operator). The file comes as multipart form data
/// (a Shapefile with its .shx, .dbf, .prj and .cpg beside it, or one GeoPackage, GeoJSON or CSV), optionally with a
/// mapping file; the answer is the validation report. A rejected or failed import leaves the serving layer untouched.
/// Instead of a file, <c>url=</c> names a WFS or OGC API Features service to read the layer from (http or https only:
/// the server fetches it, so nothing else, no file of its own, can be named that way).
/// The version records who loaded it (user:NAME or key:NAME), so the import is in the audit trail.
/// </summary>
internal static partial class ImportEndpoints
{
    public const string GisPolicy = "gis-staff";
    private static readonly string[] DataExtensions = [".shp", ".gpkg", ".geojson", ".json", ".csv"];

    public static void MapTwinLayerImport(this WebApplication app)
    {
        var maxBytes = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Access.AccessOptions>>().Value.MaxImportBytes;
        app.MapPost("/layers/{name}/import", ImportAsync)
            .RequireAuthorization(GisPolicy)
            // Callers are GIS tools with a key, or GIS staff's scripts with a session: no form of ours posts here, so there is
            // no antiforgery token to send; a session's request from another site's page is refused by CrossSiteRequests.
            .DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(maxBytes))
            .WithFormOptions(multipartBodyLengthLimit: maxBytes)
            .DisableRequestTimeout();
    }

    private static async Task<IResult> ImportAsync(HttpContext http, string name, NpgsqlDataSource dataSource, ILoggerFactory logs, CancellationToken ct)
    {
        var query = http.Request.Query;
        string? Param(string key) => query[key] is { Count: > 0 } v && !string.IsNullOrWhiteSpace(v[0]) ? v[0]!.Trim() : null;
        bool Flag(string key) => Param(key) is "true" or "1" or "yes";
        if (!LayerNames.IsValid(name)) return ProblemResults.Of(ErrorCodes.BadLayerName, $"'{name}' is not a layer name: {LayerNames.Rule}.");
        var kindText = Param("kind");
        if (kindText is null || !((Enum.TryParse<LayerKind>(kindText, ignoreCase: true, out var kind) && Enum.IsDefined(kind) && !char.IsDigit(kindText[0]))
                                  || kindText is "organisation" or "task-type"))
            return ProblemResults.Of(ErrorCodes.BadLayerKind, "kind is required: parcel, building, asset, area, contract, subcontract, organisation or task-type.");
        var url = Param("url");
        if (url is not null)
        {
            if (kindText is "organisation" or "task-type") return ProblemResults.Of(ErrorCodes.ImportRefused, "Organisations and task types load from a file, not from a service.");
            try
            {
                url = ServiceUrl.Parse(url).DataSource;
            }
            catch (SourceFormatException e)
            {
                return ProblemResults.Of(ErrorCodes.ImportRefused, e.Message);
            }
        }
        else if (!http.Request.HasFormContentType)
        {
            return ProblemResults.Of(ErrorCodes.UnsupportedMediaType, "Send the file as multipart/form-data (a part named file; a Shapefile's sidecars as more parts; a mapping file as a part named mapping), or name a service with url=.");
        }

        var folder = Directory.CreateTempSubdirectory("twin-upload-").FullName;
        try
        {
            string? dataFile = null, mappingFile = null;
            var parts = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(ct)).Files : (IFormFileCollection)new FormFileCollection();
            foreach (var part in parts)
            {
                // Only the file's own name, never a path the caller chose.
                var fileName = Path.GetFileName(part.FileName.Replace('\\', '/'));
                if (fileName.Length == 0 || fileName.StartsWith('.')) return ProblemResults.Of(ErrorCodes.BadUpload, $"'{part.FileName}' is not a file name.");
                var target = Path.Combine(folder, part.Name == "mapping" ? "mapping-" + fileName : fileName);
                await using (var stream = File.Create(target)) await part.CopyToAsync(stream, ct);
                if (part.Name == "mapping") mappingFile = target;
                // The part named file is the data in whatever format (GDAL reads the ones beyond ours); else the first of ours.
                else if (part.Name == "file" || DataExtensions.Contains(Path.GetExtension(fileName).ToLowerInvariant())) dataFile ??= target;
            }
            dataFile = url ?? dataFile;
            if (dataFile is null) return ProblemResults.Of(ErrorCodes.BadUpload, $"No data file among the parts: send a {string.Join(", ", DataExtensions)} file (or any format GDAL reads) as the part named file, or name a service with url=.");

            var loadedBy = http.User.Identity?.Name ?? "unknown";
            var dryRun = Flag("dryRun");
            if (kindText is "organisation" or "task-type")
            {
                var catalogKind = kindText == "organisation" ? CatalogKind.Organisation : CatalogKind.TaskType;
                var catalogMapping = mappingFile is null ? null : CatalogMapping.Load(mappingFile, catalogKind);
                var (report, rows) = await new CatalogImporter(dataSource, catalogMapping).ImportAsync(dataFile, catalogKind, dryRun, ct);
                return Results.Json(new { kind = kindText, committed = !dryRun && report.Errors == 0, accepted = report.Errors == 0, dryRun, report = Report(report), rows },
                    statusCode: report.Errors == 0 ? 200 : 422);
            }
            if (Flag("append") && Flag("update")) return ProblemResults.Of(ErrorCodes.ImportRefused, "Give append=true or update=true, not both.");
            var options = new ImportOptions(dataFile, name, kind)
            {
                Crs = Param("crs"),
                Mapping = mappingFile is null ? LayerMapping.Conventional : LayerMapping.Load(mappingFile),
                DryRun = dryRun,
                MakeValid = Flag("makeValid"),
                SkipInvalid = Flag("skipInvalid"),
                Encoding = Param("encoding"),
                SourceLayer = Param("sourceLayer"),
                Where = Param("where"),
                Select = Param("select") is { } select ? [.. select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null,
                Mode = Flag("append") ? ImportMode.Append : Flag("update") ? ImportMode.Update : ImportMode.Replace,
                LoadedBy = loadedBy,
            };
            ImportResult result;
            try
            {
                result = await new LayerImporter(dataSource).ImportAsync(options, null, ct);
            }
            finally
            {
                // This node's very next tile answers from the new version (the other nodes hear of it from the database).
                http.RequestServices.GetRequiredService<TileStore>().Forget();
            }
            Log.Imported(logs.CreateLogger("DigitalTwin.Server.Layers"), loadedBy, url is null ? Path.GetFileName(dataFile) : ServiceUrl.Parse(url).Display, name,
                result.Committed ? $"version {result.Version}" : dryRun ? "dry run" : "rejected");
            return Results.Json(new
            {
                layer = name,
                committed = result.Committed,
                accepted = result.Accepted,
                dryRun,
                version = result.Version,
                sourceFormat = result.SourceFormat,
                sourceCrs = result.SourceCrs,
                report = Report(result.Report),
                elapsedSeconds = result.Elapsed.TotalSeconds,
            }, statusCode: result.Accepted ? 200 : 422);
        }
        catch (Exception e) when (e is ImportException or MappingException or SourceFormatException or InvalidDataException)
        {
            return ProblemResults.Of(ErrorCodes.ImportRefused, e.Message.Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
        }
        catch (BadHttpRequestException e)
        {
            return ProblemResults.Of(TwinException.Unreadable(e));
        }
        catch (Exception e) when (e is IOException or NpgsqlException && !ct.IsCancellationRequested && !Database.DatabaseFaults.IsUnavailable(e))
        {
            // As the command line says it: the file could not be read, or the database refused; nothing was changed.
            return ProblemResults.Of(ErrorCodes.ImportFailed, $"The import could not be done, and nothing was changed: {(e is PostgresException p ? p.MessageText : e.Message)}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The report as the CLI prints it: counts, and the first problems with their feature numbers.</summary>
    private static object Report(ImportReport report) => new
    {
        featuresRead = report.FeaturesRead,
        loaded = report.Loaded,
        errors = report.Errors,
        repaired = report.Repaired,
        warnings = report.Warnings,
        skipped = report.Skipped,
        filtered = report.Filtered,
        kept = report.Kept,
        replaced = report.Replaced,
        problems = report.FirstProblems.Select(p => new { feature = p.FeatureNo, sourceId = p.SourceId, severity = p.Severity.ToString().ToLowerInvariant(), reason = p.Reason }),
        fields = report.Fields.Select(f => new { field = f.Field, features = f.Features, mappedTo = f.MappedTo, origin = f.Origin, ignored = f.Ignored }),
        notes = report.Notes,
        reprojection = report.Reprojection,
    };
}

using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Catalog;
using DigitalTwin.Server.Errors;
using DigitalTwin.Ui.Backend;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;
using Npgsql;
using static DigitalTwin.Server.MapUi.UiErrors;

namespace DigitalTwin.Server.Layers;

/// <summary>
/// The layers page's questions (one per circuit), answered by the importer and <see cref="LayerHistory"/>. An upload is
/// streamed to a folder of its own, checked with a dry run, and loaded from the same files only when the person
/// chooses to, over the version it was checked against; the folder goes when the upload is loaded, discarded, replaced
/// or the circuit ends.
/// </summary>
internal sealed class LayersPageBackend(NpgsqlDataSource dataSource, CatalogStore catalog, LayerHistory history, Tiles.TileStore tiles, AuthenticationStateProvider authentication,
    IOptions<AccessOptions> access, ILogger<LayersPageBackend> logger) : ILayersBackend, IAsyncDisposable
{
    private static readonly string[] DataExtensions = [".shp", ".zip", ".gpkg", ".geojson", ".json", ".csv", ".txt"];

    /// <summary>The upload checked last: its folder and the options it was checked with (including the version it was checked against).</summary>
    private (string Folder, ImportOptions Options, string File)? staged;

    public long MaxUploadBytes => access.Value.MaxImportBytes;

    /// <summary>The person on this circuit, who must be GIS staff or an admin (checked here, on the server, not only by the page).</summary>
    private async Task<System.Security.Claims.ClaimsPrincipal> GisStaffAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (!user.IsInRole(TwinRoles.Gis) && !user.IsInRole(TwinRoles.Admin)) throw new TwinException(ErrorCodes.Forbidden, "The layers page is for GIS staff and admins.");
        return user;
    }

    public Task<IReadOnlyList<UiLayerHistory>> LayersAsync(CancellationToken cancellationToken) => AsUi(async () =>
    {
        await GisStaffAsync();
        return (IReadOnlyList<UiLayerHistory>)[.. (await catalog.LayersAsync(null, cancellationToken)).Select(l => new UiLayerHistory(l.Name, l.Kind,
            [.. l.Versions.Select(v => new UiLayerVersion(v.Version, SourceName(v.SourceFile), v.SourceFormat, v.SourceCrs, v.FeatureCount, v.SkippedCount,
                v.RepairedCount, v.LoadedBy, v.LoadedAt, v.ServedFrom, v.ServedUntil, v.IsCurrent, v.Mode, v.BasedOn, v.Filter))]))];
    });

    /// <summary>What a version's source is called on the page: a service as recorded (without passwords), a file by its name.</summary>
    private static string SourceName(string source) => source.Contains("://", StringComparison.Ordinal) ? source : Path.GetFileName(source);

    public Task<UiImportCheck> CheckImportAsync(UiImportRequest request, IReadOnlyList<UiUploadFile> files, UiUploadFile? mapping,
        IProgress<UiProgress>? progress, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var user = await GisStaffAsync();
        await DiscardImportAsync();
        if (!LayerNames.IsValid(request.Layer)) throw new TwinException(ErrorCodes.BadLayerName, $"'{request.Layer}' is not a layer name: {LayerNames.Rule}.");
        if (!Enum.TryParse<LayerKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind) || char.IsDigit(request.Kind[0]))
            throw new TwinException(ErrorCodes.BadLayerKind, "Choose the layer's kind: parcel, building, asset, area, contract or subcontract.");
        if (files.Count == 0) throw new TwinException(ErrorCodes.BadUpload, "Choose the file to load (a Shapefile with its .shx, .dbf, .prj and .cpg, or its .zip).");
        var total = files.Sum(f => f.Size) + (mapping?.Size ?? 0);
        if (total > MaxUploadBytes)
        {
            throw new TwinException(ErrorCodes.RequestTooLarge,
                $"The files come to {Megabytes(total)}; the page takes at most {Megabytes(MaxUploadBytes)} (Access:MaxImportBytes). Load larger files with ./twin import on the server.");
        }

        var folder = Directory.CreateTempSubdirectory("twin-layers-page-").FullName;
        try
        {
            long done = 0;
            string? dataFile = null, mappingFile = null;
            foreach (var (file, isMapping) in files.Select(f => (f, false)).Append((mapping!, true)).Where(p => p.Item1 is not null))
            {
                // Only the file's own name, never a path the browser chose.
                var name = Path.GetFileName(file.Name.Replace('\\', '/'));
                if (name.Length == 0 || name.StartsWith('.')) throw new TwinException(ErrorCodes.BadUpload, $"'{file.Name}' is not a file name.");
                var target = Path.Combine(folder, isMapping ? "mapping-" + name : name);
                if (File.Exists(target)) throw new TwinException(ErrorCodes.BadUpload, $"Two files are named {name}.");
                await using (var input = file.Open())
                await using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                {
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                    {
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                        done += read;
                        progress?.Report(new UiProgress("upload", done, total));
                    }
                }
                if (isMapping) mappingFile = target;
                else if (DataExtensions.Contains(Path.GetExtension(name).ToLowerInvariant()) || files.Count == 1) dataFile ??= target;
            }
            if (dataFile is null)
            {
                throw new TwinException(ErrorCodes.BadUpload,
                    $"None of the files is data to load: choose a {string.Join(", ", DataExtensions)} file (a Shapefile's .shp with its sidecars), or one file of any format GDAL reads.");
            }

            var options = new ImportOptions(dataFile, request.Layer, kind)
            {
                Crs = Blank(request.Crs),
                Mapping = mappingFile is null ? LayerMapping.Conventional : LayerMapping.Load(mappingFile),
                DryRun = true,
                MakeValid = request.MakeValid,
                SkipInvalid = request.SkipInvalid,
                Where = Blank(request.Where),
                Select = Blank(request.Select) is { } select ? [.. select.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null,
                SourceLayer = Blank(request.SourceLayer),
                Mode = request.Mode switch { "append" => ImportMode.Append, "update" => ImportMode.Update, _ => ImportMode.Replace },
                LoadedBy = user.Identity?.Name ?? "unknown",
                ServingWhenChecked = await ServingIdAsync(request.Layer, cancellationToken),
            };
            var result = await RunAsync(options, folder, "check", progress, cancellationToken);
            staged = (folder, options, Path.GetFileName(dataFile));
            return await CheckOf(result, staged.Value, cancellationToken);
        }
        catch
        {
            if (staged?.Folder != folder) Delete(folder);
            throw;
        }
    });

    public Task<UiImportCheck> CommitImportAsync(IProgress<UiProgress>? progress, CancellationToken cancellationToken) => AsUi(async () =>
    {
        await GisStaffAsync();
        if (staged is not { } upload) throw new TwinException(ErrorCodes.BadUpload, "There is no checked upload to load: choose the file and check it first.");
        var options = upload.Options with { DryRun = false };
        ImportResult result;
        try
        {
            result = await RunAsync(options, upload.Folder, "load", progress, cancellationToken);
        }
        catch (TwinException e) when (e.Code == ErrorCodes.StaleLayer)
        {
            // The files stay: the person checks them again over the version serving now.
            throw;
        }
        Log.Imported(logger, options.LoadedBy, upload.File, options.Layer, result.Committed ? $"version {result.Version} (layers page)" : "rejected (layers page)");
        var check = await CheckOf(result, upload, cancellationToken);
        if (result.Committed) await DiscardImportAsync();
        return check;
    });

    public Task DiscardImportAsync()
    {
        if (staged is { } upload) Delete(upload.Folder);
        staged = null;
        return Task.CompletedTask;
    }

    public Task<UiLayerDiff> DiffAsync(string layer, int from, int to, IReadOnlyList<string>? kinds, string? after, int first, CancellationToken cancellationToken) =>
        AsUi(async () =>
        {
            await GisStaffAsync();
            var wanted = kinds?.Select(k => Enum.TryParse<LayerChangeKind>(k, ignoreCase: true, out var kind) ? kind
                : throw new TwinException(ErrorCodes.BadFilter, $"'{k}' is not a kind of change: added, removed, moved or changed.")).ToList();
            var diff = await history.DiffAsync(layer, from, to, wanted, first, after, cancellationToken);
            var c = diff.Counts;
            return new UiLayerDiff(new UiDiffCounts(c.Added, c.Removed, c.Moved, c.Changed, c.Unchanged),
                [.. diff.Changes.Select(ch => new UiLayerChange(ch.SourceId, Kinds(ch), ch.Moved,
                    [.. ch.Fields.Select(f => new UiFieldChange(f.Field, f.Attribute, f.Before, f.After))], ch.Before, ch.After))],
                diff.EndCursor, diff.HasNextPage);
        });

    public Task<UiRollback> RollBackAsync(string layer, int toVersion, int expectedVersion, CancellationToken cancellationToken) => AsUi(async () =>
    {
        var user = await GisStaffAsync();
        var result = await history.RollBackAsync(user, layer, toVersion, expectedVersion, null, cancellationToken);
        return new UiRollback(result.Version, result.RestoredVersion, result.Objects);
    });

    private static List<string> Kinds(LayerChange change)
    {
        if (change.Added) return ["added"];
        if (change.Removed) return ["removed"];
        var kinds = new List<string>();
        if (change.Moved is not null) kinds.Add("moved");
        if (change.Changed) kinds.Add("changed");
        return kinds;
    }

    /// <summary>The importer, its refusals said as the HTTP import says them (without the server's folder in the text).</summary>
    private async Task<ImportResult> RunAsync(ImportOptions options, string folder, string phase, IProgress<UiProgress>? progress, CancellationToken cancellationToken)
    {
        var features = progress is null ? null : new Progress<ImportProgress>(p => progress.Report(new UiProgress(phase, p.Features, null, p.Fraction)));
        try
        {
            return await new LayerImporter(dataSource).ImportAsync(options, features, cancellationToken);
        }
        catch (StaleLayerException e)
        {
            throw new TwinException(ErrorCodes.StaleLayer, e.Message);
        }
        catch (Exception e) when (e is ImportException or MappingException or SourceFormatException or InvalidDataException)
        {
            throw new TwinException(ErrorCodes.ImportRefused, e.Message.Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal));
        }
        catch (Exception e) when (e is IOException or NpgsqlException && !cancellationToken.IsCancellationRequested && !Database.DatabaseFaults.IsUnavailable(e))
        {
            throw new TwinException(ErrorCodes.ImportFailed,
                $"The import could not be done, and nothing was changed: {(e is PostgresException p ? p.MessageText : e.Message.Replace(folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal))}");
        }
        finally
        {
            // A load changes what serves: this node's very next tile answers from it (a check changes nothing, and costs nothing to forget).
            if (!options.DryRun) tiles.Forget();
        }
    }

    private async Task<UiImportCheck> CheckOf(ImportResult result, (string Folder, ImportOptions Options, string File) upload, CancellationToken cancellationToken)
    {
        var r = result.Report;
        int? against = null;
        if (upload.Options.ServingWhenChecked is int id && id > 0)
        {
            await using var command = dataSource.CreateCommand("SELECT version FROM layer_versions WHERE id = $1");
            command.Parameters.AddWithValue(id);
            against = await command.ExecuteScalarAsync(cancellationToken) as int?;
        }
        string Clean(string text) => text.Replace(upload.Folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
        return new UiImportCheck(result.Accepted, result.Committed, result.Version, upload.File, result.SourceFormat, result.SourceCrs,
            new UiImportReport(r.FeaturesRead, r.Loaded, r.Errors, r.Repaired, r.Warnings, r.Skipped, r.Filtered, r.Kept, r.Replaced,
                [.. r.FirstProblems.Select(p => new UiImportProblem(p.FeatureNo, p.SourceId, p.Severity.ToString().ToLowerInvariant(), Clean(p.Reason)))],
                r.ReasonCounts.ToDictionary(StringComparer.Ordinal),
                [.. r.Fields.Select(f => new UiFieldUse(f.Field, f.Features, f.MappedTo, f.Ignored))], [.. r.Notes.Select(Clean)], r.Reprojection),
            against);
    }

    /// <summary>The layer's serving version (its layer_versions id), 0 when it has none: what a check is made against.</summary>
    private async Task<int> ServingIdAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT current_version FROM layers WHERE name = $1");
        command.Parameters.AddWithValue(layer);
        return await command.ExecuteScalarAsync(cancellationToken) as int? ?? 0;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Megabytes(long bytes) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):N1} MiB");

    private static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Already gone, or a file still open: the system's temporary folder is cleaned in time.
        }
    }

    public ValueTask DisposeAsync() => new(DiscardImportAsync());
}

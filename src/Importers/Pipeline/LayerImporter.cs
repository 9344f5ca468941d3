using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using DigitalTwin.Importers.Filtering;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
using DigitalTwin.Importers.Sources.Gdal;
using Npgsql;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>Progress of a running import: features read, and how far through the file (0..1) when known.</summary>
internal readonly record struct ImportProgress(long Features, double? Fraction);

/// <summary>
/// Loads one file as a new version of a layer: read (streaming), map, validate, reproject to the storage CRS
/// (<see cref="StorageCrs"/>), COPY, check, switch. Any error rejects the whole import and leaves the
/// previous version serving, unless --skip-invalid drops the bad features (each reported).
/// </summary>
internal sealed class LayerImporter(NpgsqlDataSource dataSource)
{
    private const string DoesNotReproject = "coordinates out of range: the geometry does not reproject; is the source CRS right? (use --crs)";

    public async Task<ImportResult> ImportAsync(ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        // A file, a FileGDB folder, or a layer service's URL (recorded without any password in it).
        var service = ServiceUrl.IsService(options.File);
        if (!service && !File.Exists(options.File) && !Directory.Exists(options.File)) throw new ImportException($"{options.File}: no such file.");
        var fullPath = service ? Service(options.File).Display : Path.GetFullPath(options.File);
        var checksum = File.Exists(fullPath) ? Task.Run<string?>(() => Sha256(fullPath), cancellationToken) : Task.FromResult<string?>(null);

        var mapping = options.Mapping;
        using var source = OpenSource(options, mapping);
        var catalog = await CrsCatalog.LoadAsync(dataSource, cancellationToken);
        var crsText = options.Crs ?? mapping.Crs;
        var crs = crsText is not null ? Parse(crsText) : source.Crs;
        // A file without a CRS is fine as long as it has no geometry (a subcontract table); the mapper asks for one otherwise.
        Reprojectors? reprojectors = null;
        var crsName = "none";
        var sourceEpsg = 0;
        var notes = new List<string>();
        if (crs is not null)
        {
            int epsg;
            try
            {
                epsg = await catalog.IdentifyAsync(crs, cancellationToken);
            }
            catch (CrsException e)
            {
                throw new ImportException($"{options.File}: {e.Message}", e);
            }
            crsName = $"EPSG:{epsg}";
            sourceEpsg = epsg;
            var area = AreaCheck.Create(epsg, catalog);
            if (area is null) notes.Add($"{catalog.Name(epsg)} (EPSG:{epsg}) has no area of use here, or a projection ProjNet lacks, so the coordinates were not checked against where it is used.");
            var toStorage = await catalog.CreateReprojectorAsync(epsg, StorageCrs.Srid, cancellationToken);
            reprojectors = new Reprojectors(toStorage, catalog.IsGeographic(epsg), area, catalog.AreaUnit(epsg));
        }
        await using var reprojector = reprojectors?.ToStorage;
        var overridden = crsText is not null && source.CrsDeclaredIn is not null ? await OverriddenAsync(catalog, source, crs!, cancellationToken) : null;
        var organisations = await KeysAsync("SELECT key FROM organisations", cancellationToken);
        var taskTypes = await KeysAsync("SELECT code FROM task_types", cancellationToken);

        await using var reportWriter = options.ReportFile is null ? null : new StreamWriter(options.ReportFile);
        var report = new ImportReport(reportWriter) { Reprojection = reprojector?.Method };
        foreach (var note in notes) report.AddNote(note);
        var filter = FeatureFilter.Create(options.Where, options.Select, source.Fields);
        var mapper = new FeatureMapper(options, filter?.Fields ?? source.Fields, organisations, taskTypes, reprojectors, report);

        await using var writer = await LayerWriter.BeginAsync(dataSource, options.Layer, options.Kind,
            new LayerWriter.SourceInfo(fullPath, source.Format, crsName, await checksum ?? "", options.LoadedBy, options.Mode, Filter(options))
            {
                ExpectedCurrent = options.ServingWhenChecked,
            }, cancellationToken);

        // Reading, mapping and reprojecting run on one thread, the COPY on another, with a bounded queue between them:
        // the two halves take about the same time, and memory stays flat.
        var queue = Channel.CreateBounded<MappedObject>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        SourceFeature? firstWithGeometry = null;
        var batch = new List<MappedObject>();
        async Task ReprojectAndQueueAsync()
        {
            var geometries = batch.Where(m => m.Geometry is not null).Select(m => m.Geometry!).ToList();
            var reprojected = geometries.Count == 0 ? [] : await reprojector!.TransformAsync(geometries, stop.Token);
            var next = 0;
            foreach (var mapped in batch)
            {
                var stored = mapped;
                if (mapped.Geometry is not null)
                {
                    if (reprojected[next++] is not { } geometry || !IsFinite(geometry))
                    {
                        report.Add(new ImportProblem(mapped.FeatureNo, mapped.SourceId, Severity.Error, DoesNotReproject));
                        continue;
                    }
                    stored = mapped with { Geometry = geometry };
                }
                // After the first error the file is rejected: keep validating to report everything, stop writing.
                if (report.Errors > 0 && !options.SkipInvalid) continue;
                await queue.Writer.WriteAsync(stored, stop.Token);
            }
            batch.Clear();
        }

        var producer = Task.Run(async () =>
        {
            try
            {
                var batchSize = reprojector?.BatchSize ?? 1;
                // In process (ProjNet), each geometry is reprojected where it is, as it comes: no copy, no batch.
                var inProcess = reprojector as GeometryReprojector;
                foreach (var read in source.ReadFeatures(stop.Token))
                {
                    report.FeaturesRead++;
                    // Left out by --where: not mapped, not checked, not loaded; numbers stay the file's.
                    if ((filter is null ? read : filter.Apply(read)) is not { } feature)
                    {
                        report.Filtered++;
                        continue;
                    }
                    // A copy: the feature's own geometry is reprojected in place below, and the override note wants the file's.
                    if (firstWithGeometry is null && feature.Geometry is not null) firstWithGeometry = feature with { Geometry = feature.Geometry.Copy() };
                    var mapped = mapper.Map(feature);
                    if (mapped is null || (report.Errors > 0 && !options.SkipInvalid)) continue;
                    if (inProcess is null)
                    {
                        batch.Add(mapped);
                        if (batch.Count >= batchSize) await ReprojectAndQueueAsync();
                        continue;
                    }
                    if (mapped.Geometry is { } geometry && !inProcess.TransformInPlace(geometry))
                    {
                        report.Add(new ImportProblem(mapped.FeatureNo, mapped.SourceId, Severity.Error, DoesNotReproject));
                        continue;
                    }
                    if (!queue.Writer.TryWrite(mapped)) await queue.Writer.WriteAsync(mapped, stop.Token);
                }
                await ReprojectAndQueueAsync();
                queue.Writer.Complete();
            }
            catch (Exception e)
            {
                queue.Writer.Complete(e);
            }
        }, stop.Token);

        var lastProgress = Stopwatch.StartNew();
        try
        {
            await foreach (var mapped in ReadAll(queue.Reader, stop.Token))
            {
                writer.Write(mapped);
                report.Loaded++;
                if (options.FailAfterFeatures is { } failAt && report.Loaded >= failAt)
                {
                    throw new IOException($"injected failure after {failAt} features");
                }
                if (lastProgress.ElapsedMilliseconds >= 200)
                {
                    progress?.Report(new ImportProgress(report.FeaturesRead, source.Progress));
                    lastProgress.Restart();
                }
            }
        }
        finally
        {
            // On a failure of the writer, stop the reader too before the source is disposed.
            await stop.CancelAsync();
            await producer.ContinueWith(_ => { }, TaskScheduler.Default);
        }
        progress?.Report(new ImportProgress(report.FeaturesRead, 1.0));
        foreach (var note in source.Notes) report.AddNote(note);
        // What the version records, and what tells a sync that nothing changed: the file's checksum, or for a service
        // (or a folder) the checksum of what was read, each with the settings it was read with.
        var contentChecksum = Checksum(await checksum ?? source.ContentChecksum ?? "", options.SettingsFingerprint);
        writer.SetChecksum(contentChecksum);
        if (overridden is not null) report.AddNote(OverrideNote(catalog, overridden, options.Crs is not null ? "--crs" : "the mapping file's crs", sourceEpsg, crsName, firstWithGeometry));
        if (reprojectors?.Area is { } checkedArea)
        {
            if (checkedArea.ZoneNote() is { } zoneNote) report.AddNote(zoneNote);
            if (checkedArea.Outside.Count > 0) report.AddNote(CrsGuess.Note(checkedArea, await CrsGuess.GuessAsync(dataSource, checkedArea, overridden?.Epsg, cancellationToken)));
        }
        var phases = new List<(string, TimeSpan)> { ("load", stopwatch.Elapsed) };
        var phase = Stopwatch.StartNew();
        if (report.FeaturesRead == 0) throw new ImportException($"{options.File}: the file has no features.");
        if (filter?.Where is { } where)
        {
            report.AddNote(report.Filtered == report.FeaturesRead
                ? $"--where {where.Text} is true for none of the {report.FeaturesRead:N0} features: nothing to load."
                : $"--where {where.Text} kept {report.FeaturesRead - report.Filtered:N0} of {report.FeaturesRead:N0} features.");
        }

        if (options.SkipIfUnchanged && report.Errors == 0 && await ServingAsync(options.Layer, cancellationToken) is { } serving && serving.Checksum == contentChecksum)
        {
            await writer.AbandonAsync();
            return new ImportResult(false, serving.Version, report, source.Format, crsName, stopwatch.Elapsed) { Phases = phases, Accepted = true, Unchanged = true };
        }

        var featureErrors = report.Errors;
        // Problems that need the whole layer (duplicate ids, unknown contracts) always reject: which feature to drop is not ours to guess.
        var willCommit = !options.DryRun && (featureErrors == 0 || options.SkipInvalid) && report.Loaded > 0;
        var layerProblems = await writer.FinishLoadAsync(options.Kind, willCommit, cancellationToken);
        foreach (var problem in layerProblems) report.Add(problem);
        if (options.Mode != ImportMode.Replace)
        {
            (report.Kept, report.Replaced) = (writer.Kept, writer.Replaced);
            report.AddNote(writer.BasedOnVersion is { } basedOn
                ? $"{(options.Mode == ImportMode.Append ? "appended to" : "updated")} version {basedOn}: {writer.Kept:N0} objects kept, {writer.Replaced:N0} replaced, {report.Loaded - writer.Replaced:N0} added."
                : $"{options.Layer} had no version to {(options.Mode == ImportMode.Append ? "append to" : "update")}: the file is the whole layer.");
        }
        if (options.SkipInvalid) report.Skipped = (int)(report.FeaturesRead - report.Filtered - report.Loaded);
        phases.Add(("checks", phase.Elapsed));
        phase.Restart();

        var accepted = layerProblems.All(p => p.Severity != Severity.Error) && (featureErrors == 0 || options.SkipInvalid);
        if (!accepted || options.DryRun || report.Loaded == 0)
        {
            await writer.AbandonAsync();
            return new ImportResult(false, null, report, source.Format, crsName, stopwatch.Elapsed) { Phases = phases, Accepted = accepted && report.Loaded > 0 };
        }
        await writer.CommitAsync(report.Loaded + report.Kept, report.Skipped, report.Repaired, cancellationToken);
        phases.Add(("index+switch", phase.Elapsed));
        return new ImportResult(true, writer.Version, report, source.Format, crsName, stopwatch.Elapsed) { Phases = phases, Accepted = true };
    }

    /// <summary>What the version records of --where and --select, or null when the whole file was taken.</summary>
    private static string? Filter(ImportOptions options)
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.Where)) parts.Add($"--where {options.Where}");
        if (options.Select is not null) parts.Add($"--select {string.Join(",", options.Select)}");
        return parts.Count == 0 ? null : string.Join(" ", parts);
    }

    /// <summary>The queue's items; a failure of the reading side comes out as itself, not wrapped.</summary>
    private static async IAsyncEnumerable<MappedObject> ReadAll(ChannelReader<MappedObject> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken)) yield break;
            }
            catch (ChannelClosedException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            }
            while (reader.TryRead(out var item)) yield return item;
        }
    }

    private static IFeatureSource OpenSource(ImportOptions options, Mapping.LayerMapping mapping)
    {
        try
        {
            return FeatureSources.Open(options.File, new SourceOptions
            {
                Encoding = options.Encoding ?? mapping.Encoding,
                Table = options.SourceLayer ?? mapping.Table,
                ViaGdal = options.ViaGdal,
                WktColumn = mapping.WktColumn,
                XColumn = mapping.XColumn,
                YColumn = mapping.YColumn,
                GeometryOptional = options.Kind is LayerKind.Subcontract or LayerKind.Contract,
            });
        }
        catch (SourceFormatException e)
        {
            throw new ImportException(e.Message, e);
        }
    }

    private static ServiceUrl Service(string url)
    {
        try
        {
            return ServiceUrl.Parse(url);
        }
        catch (SourceFormatException e)
        {
            throw new ImportException(e.Message, e);
        }
    }

    /// <summary>The checksum of the content, and of the settings it was read with when there are any.</summary>
    private static string Checksum(string content, string? settings) =>
        settings is null ? content : Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{content}\n{settings}")));

    /// <summary>The serving version of a layer and its checksum; null for a layer not loaded yet.</summary>
    private async Task<(int Version, string Checksum)?> ServingAsync(string layer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT v.version, v.checksum FROM layers l JOIN layer_versions v ON v.id = l.current_version WHERE l.name = $1");
        command.Parameters.AddWithValue(layer);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetString(1)) : null;
    }

    /// <summary>The CRS a file declares where --crs (or the mapping) gives another: its name, code if known, and where it says so.</summary>
    private sealed record DeclaredCrs(string Name, int? Epsg, string DeclaredIn);

    private static async Task<DeclaredCrs?> OverriddenAsync(CrsCatalog catalog, IFeatureSource source, SourceCrs given, CancellationToken cancellationToken)
    {
        var declared = source.Crs!;
        int? epsg = null;
        try
        {
            epsg = await catalog.IdentifyAsync(declared, cancellationToken);
        }
        catch (CrsException)
        {
            // A .prj we cannot identify is overridden all the same; the note names it as written.
        }
        var name = epsg is { } code ? catalog.Name(code)
            : declared.Wkt is { } wkt && WktNode.TryParse(wkt)?.Name is { } wktName ? wktName : declared.ToString();
        var givenEpsg = given.Epsg ?? (given.Wkt is null ? null : await TryIdentifyAsync(catalog, given, cancellationToken));
        return epsg is not null && givenEpsg == epsg ? null : new DeclaredCrs(name, epsg, source.CrsDeclaredIn!);
    }

    private static async Task<int?> TryIdentifyAsync(CrsCatalog catalog, SourceCrs crs, CancellationToken cancellationToken)
    {
        try
        {
            return await catalog.IdentifyAsync(crs, cancellationToken);
        }
        catch (CrsException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the report says when the CRS given overrides the file's own: both, and how far apart the two readings put the
    /// first feature, so that a wrong --crs shows at once.
    /// </summary>
    private static string OverrideNote(CrsCatalog catalog, DeclaredCrs declared, string by, int given, string crsName, SourceFeature? first)
    {
        var note = $"{by} {crsName} overrides the file's own CRS, {declared.Name}{(declared.Epsg is { } code ? $" (EPSG:{code})" : "")}, from {declared.DeclaredIn}.";
        if (declared.Epsg is not { } own || first?.Geometry is not { } geometry) return note;
        double metres;
        try
        {
            // ProjNet's reading of both: good to the metre (a datum shift PROJ would do otherwise moves it less), which is
            // all a note about kilometres needs.
            var point = geometry.InteriorPoint;
            metres = catalog.CreateReprojector(given, StorageCrs.Srid).Transform(point).Distance(catalog.CreateReprojector(own, StorageCrs.Srid).Transform(point));
        }
        catch (CrsException)
        {
            return note;
        }
        if (!double.IsFinite(metres)) return note;
        return note + string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $" Read in its own CRS, feature {first.Number} would lie {(metres >= 1000 ? $"{metres / 1000:N0} km" : $"{metres:N1} m")} from where {crsName} puts it.");
    }

    private static SourceCrs Parse(string text)
    {
        try
        {
            return CrsCatalog.Parse(text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ImportException($"--crs {text}: {e.Message}", e);
        }
    }

    private static bool IsFinite(NetTopologySuite.Geometries.Geometry geometry)
    {
        var envelope = geometry.EnvelopeInternal;
        return double.IsFinite(envelope.MinX) && double.IsFinite(envelope.MaxX) && double.IsFinite(envelope.MinY) && double.IsFinite(envelope.MaxY);
    }

    private async Task<HashSet<string>> KeysAsync(string sql, CancellationToken cancellationToken)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        await using var command = dataSource.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    private static string Sha256(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

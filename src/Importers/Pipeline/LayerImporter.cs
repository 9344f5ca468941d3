using System.Diagnostics;
using System.Security.Cryptography;
using System.Threading.Channels;
using DigitalTwin.Importers.Reprojection;
using DigitalTwin.Importers.Sources;
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

    public async Task<ImportResult> ImportAsync(ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        if (!File.Exists(options.File)) throw new ImportException($"{options.File}: no such file.");
        var fullPath = Path.GetFullPath(options.File);
        var checksum = Task.Run(() => Sha256(fullPath), cancellationToken);

        var mapping = options.Mapping;
        using var source = OpenSource(options, mapping);
        var catalog = await CrsCatalog.LoadAsync(dataSource, cancellationToken);
        var crsText = options.Crs ?? mapping.Crs;
        var crs = crsText is not null ? Parse(catalog, crsText) : source.Crs;
        // A file without a CRS is fine as long as it has no geometry (a subcontract table); the mapper asks for one otherwise.
        Reprojectors? reprojectors = null;
        var crsName = "none";
        var notes = new List<string>();
        if (crs is not null)
        {
            int epsg;
            try
            {
                epsg = catalog.Identify(crs);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new ImportException($"{options.File}: {e.Message}", e);
            }
            crsName = $"EPSG:{epsg}";
            var area = AreaCheck.Create(epsg, catalog.CoordinateSystem(epsg));
            if (area is null) notes.Add($"EPSG:{epsg} has no area of use here (or a projection ProjNet lacks), so the coordinates were not checked against where it is used.");
            reprojectors = new Reprojectors(
                catalog.CreateReprojector(epsg, StorageCrs.Srid), await IsGeographicAsync(epsg, cancellationToken), area);
        }
        var overridden = crsText is not null && source.CrsDeclaredIn is not null ? Overridden(catalog, source, crs!) : null;
        var organisations = await KeysAsync("SELECT key FROM organisations", cancellationToken);
        var taskTypes = await KeysAsync("SELECT code FROM task_types", cancellationToken);

        await using var reportWriter = options.ReportFile is null ? null : new StreamWriter(options.ReportFile);
        var report = new ImportReport(reportWriter);
        foreach (var note in notes) report.AddNote(note);
        var mapper = new FeatureMapper(options, source.Fields, organisations, taskTypes, reprojectors, report);

        await using var writer = await LayerWriter.BeginAsync(dataSource, options.Layer, options.Kind,
            new LayerWriter.SourceInfo(fullPath, source.Format, crsName, await checksum, options.LoadedBy), cancellationToken);

        // Reading, mapping and reprojecting run on one thread, the COPY on another, with a bounded queue between them:
        // the two halves take about the same time, and memory stays flat.
        var queue = Channel.CreateBounded<MappedObject>(new BoundedChannelOptions(8192) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        SourceFeature? firstWithGeometry = null;
        var producer = Task.Run(async () =>
        {
            try
            {
                foreach (var feature in source.ReadFeatures(stop.Token))
                {
                    report.FeaturesRead++;
                    if (firstWithGeometry is null && feature.Geometry is not null) firstWithGeometry = feature;
                    var mapped = mapper.Map(feature);
                    // After the first error the file is rejected: keep validating to report everything, stop writing.
                    if (mapped is null || (report.Errors > 0 && !options.SkipInvalid)) continue;
                    await queue.Writer.WriteAsync(mapped, stop.Token);
                }
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
        if (overridden is not null) report.AddNote(OverrideNote(catalog, overridden, options.Crs is not null ? "--crs" : "the mapping file's crs", crsName, reprojectors, firstWithGeometry));
        if (reprojectors?.Area is { } checkedArea)
        {
            if (checkedArea.ZoneNote() is { } zoneNote) report.AddNote(zoneNote);
            if (checkedArea.Outside.Count > 0) report.AddNote(CrsGuess.Note(checkedArea, await CrsGuess.GuessAsync(dataSource, checkedArea, overridden?.Epsg, cancellationToken)));
        }
        var phases = new List<(string, TimeSpan)> { ("load", stopwatch.Elapsed) };
        var phase = Stopwatch.StartNew();
        if (report.FeaturesRead == 0) throw new ImportException($"{options.File}: the file has no features.");

        var featureErrors = report.Errors;
        // Problems that need the whole layer (duplicate ids, unknown contracts) always reject: which feature to drop is not ours to guess.
        var willCommit = !options.DryRun && (featureErrors == 0 || options.SkipInvalid) && report.Loaded > 0;
        var layerProblems = await writer.FinishLoadAsync(options.Kind, willCommit, cancellationToken);
        foreach (var problem in layerProblems) report.Add(problem);
        if (options.SkipInvalid) report.Skipped = (int)(report.FeaturesRead - report.Loaded);
        phases.Add(("checks", phase.Elapsed));
        phase.Restart();

        var accepted = layerProblems.All(p => p.Severity != Severity.Error) && (featureErrors == 0 || options.SkipInvalid);
        if (!accepted || options.DryRun || report.Loaded == 0)
        {
            await writer.AbandonAsync();
            return new ImportResult(false, null, report, source.Format, crsName, stopwatch.Elapsed) { Phases = phases, Accepted = accepted && report.Loaded > 0 };
        }
        await writer.CommitAsync(report.Loaded, report.Skipped, report.Repaired, cancellationToken);
        phases.Add(("index+switch", phase.Elapsed));
        return new ImportResult(true, writer.Version, report, source.Format, crsName, stopwatch.Elapsed) { Phases = phases, Accepted = true };
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
                Table = mapping.Table,
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

    /// <summary>The CRS a file declares where --crs (or the mapping) gives another: its name, code if known, and where it says so.</summary>
    private sealed record DeclaredCrs(string Name, int? Epsg, string DeclaredIn);

    private static DeclaredCrs? Overridden(CrsCatalog catalog, IFeatureSource source, SourceCrs given)
    {
        var declared = source.Crs!;
        int? epsg = null;
        try
        {
            epsg = catalog.Identify(declared);
        }
        catch (CrsException)
        {
            // A .prj we cannot identify is overridden all the same; the note names it as written.
        }
        var name = epsg is { } code && catalog.Codes.Contains(code) ? catalog.CoordinateSystem(code).Name
            : declared.Wkt is { } wkt && WktNode.TryParse(wkt)?.Name is { } wktName ? wktName : declared.ToString();
        return epsg is not null && given.Epsg == epsg ? null : new DeclaredCrs(name, epsg, source.CrsDeclaredIn!);
    }

    /// <summary>
    /// What the report says when the CRS given overrides the file's own: both, and how far apart the two readings put the
    /// first feature, so that a wrong --crs shows at once.
    /// </summary>
    private static string OverrideNote(CrsCatalog catalog, DeclaredCrs declared, string by, string crsName, Reprojectors? reprojectors, SourceFeature? first)
    {
        var note = $"{by} {crsName} overrides the file's own CRS, {declared.Name}{(declared.Epsg is { } code ? $" (EPSG:{code})" : "")}, from {declared.DeclaredIn}.";
        if (declared.Epsg is not { } own || !catalog.Codes.Contains(own) || reprojectors is null || first?.Geometry is not { } geometry) return note;
        var point = geometry.InteriorPoint;
        var asGiven = reprojectors.ToStorage.Transform(point);
        var asDeclared = catalog.CreateReprojector(own, StorageCrs.Srid).Transform(point);
        var metres = asGiven.Distance(asDeclared);
        if (!double.IsFinite(metres)) return note;
        return note + string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $" Read in its own CRS, feature {first.Number} would lie {(metres >= 1000 ? $"{metres / 1000:N0} km" : $"{metres:N1} m")} from where {crsName} puts it.");
    }

    private static SourceCrs Parse(CrsCatalog catalog, string text)
    {
        try
        {
            return catalog.Parse(text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ImportException($"--crs {text}: {e.Message}", e);
        }
    }

    private async Task<bool> IsGeographicAsync(int srid, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT srtext LIKE 'GEOGCS%' FROM spatial_ref_sys WHERE srid = $1");
        command.Parameters.AddWithValue(srid);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
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

using System.CommandLine;
using System.Globalization;
using DigitalTwin.Importers.Catalog;
using DigitalTwin.Importers.Mapping;
using DigitalTwin.Importers.Pipeline;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary><c>import FILE|URL --layer NAME --kind KIND [--source-layer L] [--crs EPSG:N] [--map MAPPING] [--where EXPR] [--select A,B] [--append|--update] [--dry-run] ...</c></summary>
internal static class ImportCommand
{
    private static readonly string[] Kinds = [.. LayerKinds.All, "organisation", "task-type"];

    public static Command Create()
    {
        var file = new Argument<string>("SOURCE")
        {
            Description = "A file: GeoJSON, Shapefile (.shp), GeoPackage (.gpkg), CSV, or any format GDAL reads (FlatGeobuf, GML, KML, MapInfo, DXF, a FileGDB folder, ...); "
                + "or a service's URL: WFS (WFS:https://..., or a URL with SERVICE=WFS) or OGC API Features (OAPIF:https://..., or its landing page). Organisations and task types also as JSON.",
        };
        var sourceLayer = new Option<string?>("--source-layer") { Description = "The layer to read from a source with several: a GeoPackage table, a GML feature type, a WFS type name, an OGC API collection." };
        var viaGdal = new Option<bool>("--via-gdal") { Description = "Read the file through GDAL even where a native reader would." };
        var layer = new Option<string>("--layer") { Description = "The layer to load into (created on first import, replaced atomically after)." };
        var kind = new Option<string>("--kind") { Description = $"What the file holds: {string.Join(", ", Kinds)}.", Required = true };
        kind.AcceptOnlyFromAmong(Kinds);
        var crs = new Option<string?>("--crs") { Description = "The file's CRS when it does not say, or says wrong: EPSG:3879, EPSG:3011, ..." };
        var map = new Option<FileInfo?>("--map") { Description = "A mapping file (JSON or YAML) from source fields to domain fields; see docs/import.md." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Read, validate and report; write nothing." };
        var makeValid = new Option<bool>("--make-valid") { Description = "Repair invalid geometries (each repair is reported) instead of rejecting them." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Load the valid features and skip the invalid ones (each reported) instead of rejecting the file." };
        var encoding = new Option<string?>("--encoding") { Description = "Text encoding of a Shapefile's .dbf or a CSV, overriding .cpg: windows-1252, iso-8859-1, utf-8, ..." };
        var reportFile = new Option<FileInfo?>("--report") { Description = "Write every problem, one per line, to this file." };
        var where = new Option<string?>("--where") { Description = "Only the features this is true for, as ogr2ogr's -where: kommun = 'Stockholm' AND typ IN ('bro','gata'); see docs/import.md." };
        var select = new Option<string?>("--select") { Description = "Only these source fields are taken (comma-separated), as ogr2ogr's -select; the others are listed as ignored." };
        var append = new Option<bool>("--append") { Description = "The serving version's objects plus the file's features, as a new version; an id the layer already has is an error." };
        var update = new Option<bool>("--update") { Description = "The serving version's objects with the file's features put in by id (changed or added), as a new version." };

        var command = new Command("import", "Load a layer, organisations or task types.")
        {
            file, layer, kind, sourceLayer, crs, map, dryRun, makeValid, skipInvalid, encoding, reportFile, viaGdal, where, select, append, update,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(append) && result.GetValue(update)) result.AddError("Give --append or --update, not both.");
        });
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var kindText = parse.GetValue(kind)!;
            var given = parse.GetValue(file)!;
            var path = DigitalTwin.Importers.Sources.Gdal.ServiceUrl.IsService(given) ? given : Path.GetFullPath(given);
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            if (kindText is "organisation" or "task-type")
            {
                var catalogKind = kindText == "organisation" ? CatalogKind.Organisation : CatalogKind.TaskType;
                if (parse.GetValue(where) is not null || parse.GetValue(select) is not null || parse.GetValue(append) || parse.GetValue(update))
                    throw new CliException("--where, --select, --append and --update are for layers; organisations and task types are inserted or updated by key.");
                var catalogMapping = parse.GetValue(map) is { } catalogMap ? CatalogMapping.Load(catalogMap.FullName, catalogKind) : null;
                var catalog = await new CatalogImporter(dataSource, catalogMapping).ImportAsync(path, catalogKind, parse.GetValue(dryRun), ct);
                return PrintCatalogReport(path, catalogKind, catalog, parse.GetValue(dryRun));
            }

            var layerName = parse.GetValue(layer) ?? throw new CliException("--layer NAME is required for a layer import.");
            if (!LayerNames.IsValid(layerName)) throw new CliException($"--layer {layerName}: a layer name is {LayerNames.Rule}.");
            var options = new ImportOptions(path, layerName, Enum.Parse<LayerKind>(kindText, ignoreCase: true))
            {
                Crs = parse.GetValue(crs),
                Mapping = parse.GetValue(map) is { } mapFile ? LayerMapping.Load(mapFile.FullName) : LayerMapping.Conventional,
                DryRun = parse.GetValue(dryRun),
                MakeValid = parse.GetValue(makeValid),
                SkipInvalid = parse.GetValue(skipInvalid),
                Encoding = parse.GetValue(encoding),
                ReportFile = parse.GetValue(reportFile)?.FullName,
                SourceLayer = parse.GetValue(sourceLayer),
                ViaGdal = parse.GetValue(viaGdal),
                Where = parse.GetValue(where),
                Select = parse.GetValue(select) is { } fields ? [.. fields.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : null,
                Mode = parse.GetValue(append) ? ImportMode.Append : parse.GetValue(update) ? ImportMode.Update : ImportMode.Replace,
            };
            var result = await RunWithProgressAsync(dataSource, options, ct);
            return PrintLayerReport(options, result);
        }, cancellationToken));
        return command;
    }

    /// <summary>Imports one layer, showing progress: a live bar on a terminal, a line every few seconds otherwise.</summary>
    public static async Task<ImportResult> RunWithProgressAsync(NpgsqlDataSource dataSource, ImportOptions options, CancellationToken cancellationToken)
    {
        var importer = new LayerImporter(dataSource);
        var label = $"{Path.GetFileName(options.File)} → {options.Layer}";
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            ImportResult? result = null;
            await AnsiConsole.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(label), maxValue: 1.0);
                    var started = DateTime.UtcNow;
                    var progress = new SynchronousProgress(p =>
                    {
                        if (p.Fraction is { } f) task.Value = f;
                        else task.IsIndeterminate = true;
                        var rate = p.Features / Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                        task.Description = Markup.Escape($"{label}  {p.Features:N0} features, {rate:N0}/s");
                    });
                    result = await importer.ImportAsync(options, progress, cancellationToken);
                    task.Value = 1.0;
                });
            return result!;
        }

        var lastLine = DateTime.UtcNow;
        var begun = DateTime.UtcNow;
        var plain = new SynchronousProgress(p =>
        {
            if ((DateTime.UtcNow - lastLine).TotalSeconds < 2) return;
            lastLine = DateTime.UtcNow;
            var rate = p.Features / Math.Max(0.001, (DateTime.UtcNow - begun).TotalSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {p.Features:N0} features{(p.Fraction is { } f ? $" ({f:P0})" : "")}, {rate:N0}/s"));
        });
        return await importer.ImportAsync(options, plain, cancellationToken);
    }

    public static int PrintLayerReport(ImportOptions options, ImportResult result)
    {
        var report = result.Report;
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("source", Markup.Escape(options.File));
        table.AddRow("layer", Markup.Escape($"{options.Layer} ({ImportOptions.KindName(options.Kind)})"));
        table.AddRow("format, CRS", Markup.Escape($"{result.SourceFormat}, {result.SourceCrs} → {StorageCrs.Name}"));
        if (report.Reprojection is { } reprojection) table.AddRow("reprojected by", Markup.Escape(reprojection));
        table.AddRow("features read", report.FeaturesRead.ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow(options.DryRun ? "would load" : "loaded", (result.Accepted ? report.Loaded : 0).ToString("N0", CultureInfo.InvariantCulture));
        table.AddRow("errors", report.Errors.ToString(CultureInfo.InvariantCulture));
        table.AddRow("repaired", report.Repaired.ToString(CultureInfo.InvariantCulture));
        table.AddRow("warnings", report.Warnings.ToString(CultureInfo.InvariantCulture));
        if (report.Skipped > 0) table.AddRow("skipped", report.Skipped.ToString(CultureInfo.InvariantCulture));
        if (options.Where is not null) table.AddRow("left out by --where", report.Filtered.ToString("N0", CultureInfo.InvariantCulture));
        if (options.Mode != ImportMode.Replace)
        {
            table.AddRow("kept from the serving version", report.Kept.ToString("N0", CultureInfo.InvariantCulture));
            if (options.Mode == ImportMode.Update) table.AddRow("replaced by id", report.Replaced.ToString("N0", CultureInfo.InvariantCulture));
        }
        AddFieldRows(table, report);
        var seconds = result.Elapsed.TotalSeconds;
        table.AddRow("time", string.Create(CultureInfo.InvariantCulture, $"{seconds:F1} s ({report.FeaturesRead / Math.Max(seconds, 0.001):N0} features/s; {string.Join(", ", result.Phases.Select(p => $"{p.Phase} {p.Time.TotalSeconds:F1} s"))})"));
        AnsiConsole.Write(table);
        foreach (var note in report.Notes) AnsiConsole.MarkupLine($"  [yellow]{Markup.Escape(note)}[/]");
        PrintProblems(report, options.ReportFile);

        if (result.Committed)
        {
            AnsiConsole.MarkupLineInterpolated($"[green]Loaded[/] {options.Layer} version {result.Version}: {report.Loaded:N0} objects now serve.");
            return 0;
        }
        if (options.DryRun && result.Accepted)
        {
            AnsiConsole.MarkupLine("[green]Dry run:[/] the file would load; nothing was written.");
            return 0;
        }
        AnsiConsole.MarkupLineInterpolated(
            $"[red]Rejected:[/] {report.Errors} error(s); nothing was changed (any previous version of {options.Layer} still serves).{(options.SkipInvalid ? "" : " (--skip-invalid loads the valid features; --make-valid repairs geometries.)")}");
        return 1;
    }

    /// <summary>
    /// What became of every field of the file: the mapped ones with their domain fields, the rest kept in the source
    /// attributes, and the ignored ones with the reason; a field not every feature has says in how many it is.
    /// </summary>
    private static void AddFieldRows(Table table, ImportReport report)
    {
        string Name(FieldUse f) => f.Field
            + (f.Features is { } n && n < report.FeaturesRead ? string.Create(CultureInfo.InvariantCulture, $" (in {n:N0} of {report.FeaturesRead:N0} features)") : "")
            + (f.Origin is null ? "" : $" ({f.Origin})");
        var mapped = report.Fields.Where(f => f.Ignored is null && f.MappedTo.Count > 0).Select(f => $"{Name(f)} → {string.Join(", ", f.MappedTo)}").ToList();
        var kept = report.Fields.Where(f => f.Ignored is null && f.MappedTo.Count == 0).Select(Name).ToList();
        var ignored = report.Fields.Where(f => f.Ignored is not null).Select(f => $"{Name(f)}: {f.Ignored}").ToList();
        table.AddRow("fields mapped", Markup.Escape(mapped.Count == 0 ? "none" : string.Join("\n", mapped)));
        if (kept.Count > 0) table.AddRow("kept, unmapped", Markup.Escape(string.Join(", ", kept)));
        if (ignored.Count > 0) table.AddRow("[yellow]fields ignored[/]", Markup.Escape(string.Join("\n", ignored)));
    }

    private static int PrintCatalogReport(string file, CatalogKind kind, CatalogResult result, bool dryRun)
    {
        var report = result.Report;
        foreach (var used in report.Fields.Where(f => f.Ignored is null && !f.MappedTo.SequenceEqual([f.Field])))
        {
            AnsiConsole.MarkupLineInterpolated($"  column {used.Field} → {string.Join(", ", used.MappedTo)}");
        }
        foreach (var ignored in report.Fields.Where(f => f.Ignored is not null))
        {
            AnsiConsole.MarkupLineInterpolated($"  [yellow]column {ignored.Field} ignored: {ignored.Ignored}[/]");
        }
        // A dry run shows exactly what would be stored, row by row (catalogs are short).
        if (dryRun && result.Rows.Count > 0)
        {
            var columns = CatalogMapping.Columns(kind);
            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in columns) table.AddColumn(column);
            foreach (var row in result.Rows) table.AddRow([.. columns.Select(c => Markup.Escape(row[c] ?? ""))]);
            AnsiConsole.Write(table);
        }
        PrintProblems(report, null);
        var what = CatalogMapping.What(kind);
        if (report.Errors > 0)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Rejected:[/] {report.Errors} error(s) in {file}; no {what} were changed.");
            return 1;
        }
        if (dryRun) AnsiConsole.MarkupLineInterpolated($"[green]Dry run:[/] {report.FeaturesRead} {what} would load; nothing was written.");
        else AnsiConsole.MarkupLineInterpolated($"[green]Loaded[/] {report.Loaded} {what} from {Path.GetFileName(file)}.");
        return 0;
    }

    private static void PrintProblems(ImportReport report, string? reportFile)
    {
        if (report.FirstProblems.Count == 0) return;
        foreach (var (reason, count) in report.ReasonCounts.OrderByDescending(r => r.Value))
        {
            AnsiConsole.MarkupLineInterpolated($"  {count,7:N0} × {reason}");
        }
        AnsiConsole.MarkupLine(report.FirstProblems.Count < report.Errors + report.Repaired + report.Warnings ? "First problems:" : "Problems:");
        foreach (var problem in report.FirstProblems)
        {
            var colour = problem.Severity switch { Severity.Error => "red", Severity.Repaired => "yellow", _ => "grey" };
            AnsiConsole.MarkupLine($"  [{colour}]{Markup.Escape(problem.ToString())}[/]");
        }
        if (reportFile is not null) AnsiConsole.MarkupLineInterpolated($"Every problem is in {reportFile}.");
    }

    /// <summary>IProgress that reports on the calling thread, so the console is written in order.</summary>
    private sealed class SynchronousProgress(Action<ImportProgress> report) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => report(value);
    }
}

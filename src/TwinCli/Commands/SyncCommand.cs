using System.CommandLine;
using System.Globalization;
using DigitalTwin.Importers.Pipeline;
using DigitalTwin.Importers.Sync;
using Spectre.Console;

namespace DigitalTwin.Cli.Commands;

/// <summary>
/// <c>sync</c>: keeps layers in step with the city's GIS services. <c>sync add LAYER URL --kind K</c> configures one,
/// <c>sync</c> runs every configured sync once, <c>sync --every 15min</c> keeps running those that are due,
/// <c>sync --status</c> shows the last runs, <c>sync remove LAYER</c> stops one.
/// </summary>
internal static class SyncCommand
{
    public static Command Create()
    {
        var every = new Option<string?>("--every") { Description = "Keep running: every this long (15min, 1h, 1d), each sync that is due by its own interval." };
        var status = new Option<bool>("--status") { Description = "Show the configured syncs and their last runs; run nothing." };
        var layers = new Argument<string[]>("LAYER") { Description = "Only these layers' syncs (default: all).", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("sync", "Keep layers in step with WFS and OGC API Features services: run the configured syncs.") { layers, every, status, Add(), Remove() };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            var syncer = new LayerSyncer(dataSource, TimeProvider.System);
            if (parse.GetValue(status)) return await StatusAsync(syncer, ct);
            var only = parse.GetValue(layers) ?? [];
            var period = parse.GetValue(every) is { } text ? Duration(text, "--every") : (TimeSpan?)null;
            var failures = 0;
            while (true)
            {
                var due = period is null ? (await syncer.ListAsync(ct)).Select(s => s.Sync).ToList() : [.. await syncer.DueAsync(ct)];
                if (only.Length > 0) due = [.. due.Where(s => only.Contains(s.Layer))];
                if (due.Count == 0 && period is null) AnsiConsole.MarkupLine("No syncs are configured. ./twin sync add LAYER URL --kind KIND configures one.");
                foreach (var sync in due)
                {
                    var run = await syncer.RunAsync(sync, $"sync:{sync.Layer}", ct);
                    if (run.Result is "failed" or "rejected") failures++;
                    Print(run);
                }
                if (period is not { } wait) return failures == 0 ? 0 : 1;
                await Task.Delay(wait, ct);
            }
        }, cancellationToken));
        return command;
    }

    private static Command Add()
    {
        var layer = new Argument<string>("LAYER") { Description = "The layer to keep in step." };
        var url = new Argument<string>("URL") { Description = "The service: WFS:https://..., OAPIF:https://..., a URL with SERVICE=WFS, or an OGC API landing page." };
        var kind = new Option<string>("--kind") { Description = $"What the layer holds: {string.Join(", ", LayerKinds.All)}.", Required = true };
        kind.AcceptOnlyFromAmong([.. LayerKinds.All]);
        var sourceLayer = new Option<string?>("--source-layer") { Description = "The WFS type name or OGC API collection, when the service has more than one." };
        var map = new Option<FileInfo?>("--map") { Description = "A mapping file (JSON or YAML); its content is kept with the sync." };
        var crs = new Option<string?>("--crs") { Description = "The CRS to read it in when the service says none or a wrong one." };
        var every = new Option<string?>("--every") { Description = "How often ./twin sync --every runs it (15min, 1h, 1d); default: at every round." };
        var command = new Command("add", "Configure a layer to keep in step with a service (or change its configuration).") { layer, url, kind, sourceLayer, map, crs, every };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var name = parse.GetValue(layer)!;
            if (!LayerNames.IsValid(name)) throw new CliException($"{name}: a layer name is {LayerNames.Rule}.");
            var mapping = parse.GetValue(map) is { } file ? DigitalTwin.Importers.Mapping.LayerMapping.ToJson(file.FullName) : null;
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            var sync = await new LayerSyncer(dataSource, TimeProvider.System).SaveAsync(new LayerSync(name, Enum.Parse<LayerKind>(parse.GetValue(kind)!, ignoreCase: true),
                parse.GetValue(url)!, parse.GetValue(sourceLayer), mapping, parse.GetValue(crs), parse.GetValue(every) is { } text ? Duration(text, "--every") : null), Environment.UserName, ct);
            await CliDatabase.AuditAsync(dataSource, "sync.add", name, new { url = sync.Url, kind = ImportOptions.KindName(sync.Kind), sourceLayer = sync.SourceLayer }, ct);
            AnsiConsole.MarkupLineInterpolated($"[green]Configured[/] {name} ← {sync.Url}{(sync.SourceLayer is null ? "" : $" ({sync.SourceLayer})")}. ./twin sync {name} runs it now.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Remove()
    {
        var layer = new Argument<string>("LAYER") { Description = "The layer whose sync stops (the layer itself stays)." };
        var command = new Command("remove", "Stop keeping a layer in step; the layer and its versions stay.") { layer };
        command.SetAction((parse, cancellationToken) => CliDatabase.RunAsync(async ct =>
        {
            var name = parse.GetValue(layer)!;
            await using var dataSource = await CliDatabase.OpenAsync(ct);
            if (!await new LayerSyncer(dataSource, TimeProvider.System).RemoveAsync(name, ct)) throw new CliException($"{name} has no sync.");
            await CliDatabase.AuditAsync(dataSource, "sync.remove", name, new { }, ct);
            AnsiConsole.MarkupLineInterpolated($"Removed the sync of {name}; the layer still serves its last version.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static async Task<int> StatusAsync(LayerSyncer syncer, CancellationToken ct)
    {
        var syncs = await syncer.ListAsync(ct);
        if (syncs.Count == 0)
        {
            AnsiConsole.MarkupLine("No syncs are configured. ./twin sync add LAYER URL --kind KIND configures one.");
            return 0;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumns("layer", "service", "every", "last runs (newest first)");
        foreach (var (sync, _) in syncs)
        {
            var runs = await syncer.RunsAsync(sync.Layer, 5, ct);
            table.AddRow(Markup.Escape(sync.Layer), Markup.Escape(sync.Url + (sync.SourceLayer is null ? "" : $" ({sync.SourceLayer})")),
                sync.Every?.ToString() ?? "each round", Markup.Escape(runs.Count == 0 ? "never run" : string.Join("\n", runs.Select(Line))));
        }
        AnsiConsole.Write(table);
        return 0;
    }

    private static void Print(SyncRun run)
    {
        var colour = run.Result switch { "loaded" => "green", "unchanged" => "grey", _ => "red" };
        AnsiConsole.MarkupLine($"[{colour}]{Markup.Escape(run.Layer)}: {Markup.Escape(Line(run))}[/]");
    }

    private static string Line(SyncRun run)
    {
        var text = run.StartedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + run.Result;
        if (run.Version is { } v) text += string.Create(CultureInfo.InvariantCulture, $", version {v} serves");
        if (run.FeaturesRead is { } read) text += string.Create(CultureInfo.InvariantCulture, $", {read:N0} read");
        return run.Error is { } error ? $"{text}: {error}" : text;
    }

    private static TimeSpan Duration(string text, string option) =>
        DigitalTwin.Importers.Pipeline.FeatureMapper.ParseDuration(text.EndsWith('m') ? text + "in" : text)
        ?? throw new CliException($"{option} {text}: a duration is a number with min, h or d (15min, 1h, 1d).");
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalTwin.Importers.Pipeline;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-import [FILE] [--count N]</c>: loads the same GeoJSON with our importer and with GDAL's ogr2ogr into the
/// same PostGIS, one after the other in the same run, and prints both wall times, peak memory and the ratio.
/// Both reproject to the storage CRS (StorageCrs) and build a GiST index; ours also validates every geometry, keeps the source
/// attributes and checks ids for duplicates.
/// </summary>
internal static class BenchImportCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo?>("FILE") { Description = "A GeoJSON of polygons in WGS84; generated when not given.", Arity = ArgumentArity.ZeroOrOne };
        var count = new Option<int>("--count") { Description = "Parcels to generate.", DefaultValueFactory = _ => 1_000_000 };
        var ogr2ogr = new Option<string>("--ogr2ogr") { Description = "Path of ogr2ogr.", DefaultValueFactory = _ => "ogr2ogr" };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for ogr2ogr.", Required = true };
        var cli = new Option<string>("--cli") { Description = "Path of TwinCli.dll: our side runs ./twin import as GIS staff do.", Required = true };
        var rounds = new Option<int>("--rounds") { Description = "Rounds, alternating the two loaders; the median of each is compared.", DefaultValueFactory = _ => 3 };
        var command = new Command("bench-import", "Our importer against ogr2ogr on the same file.") { file, count, ogr2ogr, psqlUrl, cli, rounds };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            var path = parse.GetValue(file)?.FullName;
            string? generated = null;
            if (path is null)
            {
                generated = path = Path.Combine(Path.GetTempPath(), $"twin-bench-{parse.GetValue(count)}.geojson");
                if (!File.Exists(path))
                {
                    AnsiConsole.MarkupLineInterpolated($"Generating {parse.GetValue(count):N0} parcels in {path}");
                    GenerateParcels(path, parse.GetValue(count));
                }
            }
            var size = new FileInfo(path).Length;
            AnsiConsole.MarkupLineInterpolated($"File: {path} ({size / 1048576.0:F0} MiB)");
            await using var dataSource = await BenchDatabase.OpenAsync(ct);
            var url = parse.GetValue(psqlUrl)!;
            var ours = new List<Measurement>();
            var gdal = new List<Measurement>();
            for (var round = 1; round <= parse.GetValue(rounds); round++)
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]Round {round}[/]");
                // Each loader starts from the same state: no earlier copy of the layer, and a fresh checkpoint.
                await LayerDropper.DropAsync(dataSource, "bench-parcels", ct);
                await ExecuteAsync(dataSource, "DROP TABLE IF EXISTS bench_ogr2ogr; CHECKPOINT", ct);
                ours.Add(await MeasureAsync("dotnet", [parse.GetValue(cli)!, "import", path, "--layer", "bench-parcels", "--kind", "parcel"], ct));
                await ExecuteAsync(dataSource, "CHECKPOINT", ct);
                gdal.Add(await MeasureAsync(parse.GetValue(ogr2ogr)!,
                    ["-f", "PostgreSQL", OgrConnection(url), path, "-nln", "bench_ogr2ogr", "-overwrite", "-t_srs", StorageCrs.Name,
                     "-lco", "GEOMETRY_NAME=geom", "-lco", "SPATIAL_INDEX=GIST", "-nlt", "PROMOTE_TO_MULTI", "--config", "PG_USE_COPY", "YES"], ct));
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumn("loader").AddColumn("wall time, each round").AddColumn("median").AddColumn("peak memory");
            table.AddRow("twin import", string.Join(", ", ours.Select(m => Seconds(m.Elapsed))), Seconds(Median(ours)), Mib(ours.Max(m => m.PeakBytes)));
            table.AddRow("ogr2ogr", string.Join(", ", gdal.Select(m => Seconds(m.Elapsed))), Seconds(Median(gdal)), Mib(gdal.Max(m => m.PeakBytes)));
            AnsiConsole.Write(table);
            var ratio = Median(ours).TotalSeconds / Median(gdal).TotalSeconds;
            var peak = ours.Max(m => m.PeakBytes) / (1024.0 * 1024);
            // The contract's targets (docs/contract.md, section 7): at most 0.8 of ogr2ogr's time (aim 0.6), under 128 MiB.
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio (twin / ogr2ogr, median wall time): {ratio:F2}  (target ≤ 0.8, aim 0.6: {Statistics.Verdict(ratio <= 0.8)}); " +
                $"peak memory {peak:F0} MiB (target < 128 MiB: {Statistics.Verdict(peak < 128)})"));
            Console.WriteLine("(the layer bench-parcels and the table bench_ogr2ogr stay in the database: ./twin drop-layer bench-parcels)");
            if (generated is not null) Console.WriteLine($"(the generated file stays for the next run: {generated})");
            return ours.Concat(gdal).All(m => m.ExitCode == 0) ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    private sealed record Measurement(TimeSpan Elapsed, long PeakBytes, int ExitCode);

    private static TimeSpan Median(List<Measurement> runs) => runs.Select(m => m.Elapsed).Order().ElementAt(runs.Count / 2);

    private static async Task ExecuteAsync(Npgsql.NpgsqlDataSource dataSource, string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs a process, polling its peak resident memory (VmHWM, a high-water mark) until it exits.</summary>
    private static async Task<Measurement> MeasureAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLineInterpolated($"[grey]$ {Path.GetFileName(program)} {string.Join(' ', arguments)}[/]");
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) start.ArgumentList.Add(a);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadHighWaterMark(process.Id));
            await Task.Delay(50, cancellationToken);
        }
        await process.WaitForExitAsync(cancellationToken);
        stopwatch.Stop();
        var text = (await output) + (await error);
        if (process.ExitCode != 0) Console.Error.WriteLine(text);
        else Console.WriteLine(string.Join('\n', text.Split('\n').TakeLast(6)));
        return new Measurement(stopwatch.Elapsed, peak, process.ExitCode);
    }

    private static long ReadHighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>A grid of small square parcels around Helsinki, with ids, names and addresses, streamed to disk.</summary>
    internal static void GenerateParcels(string path, int count)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        var side = (int)Math.Ceiling(Math.Sqrt(count));
        const double step = 0.0003, size = 0.00028;
        for (var i = 0; i < count; i++)
        {
            double x = 24.5 + i % side * step, y = 60.0 + i / side * step * 0.5;
            json.WriteStartObject();
            json.WriteString("type", "Feature");
            json.WriteStartObject("properties");
            json.WriteString("id", $"P{i}");
            json.WriteString("name", $"Palsta {i}");
            json.WriteString("address", $"Testikatu {i % 200 + 1}");
            json.WriteEndObject();
            json.WriteStartObject("geometry");
            json.WriteString("type", "Polygon");
            json.WriteStartArray("coordinates");
            json.WriteStartArray();
            foreach (var (dx, dy) in new[] { (0.0, 0.0), (size, 0.0), (size, size / 2), (0.0, size / 2), (0.0, 0.0) })
            {
                json.WriteStartArray();
                json.WriteNumberValue(Math.Round(x + dx, 7));
                json.WriteNumberValue(Math.Round(y + dy, 7));
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            if (i % 10000 == 0) json.Flush();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static string OgrConnection(string url)
    {
        var uri = new Uri(url);
        var user = Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);
        return $"PG:host={uri.Host} port={uri.Port} dbname={uri.AbsolutePath.TrimStart('/')} user={user}";
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + " s";

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F0", CultureInfo.InvariantCulture) + " MiB";
}

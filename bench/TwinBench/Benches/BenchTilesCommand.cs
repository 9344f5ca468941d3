using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using DigitalTwin.Data.Database;
using Npgsql;
using Spectre.Console;

namespace DigitalTwin.Bench.Benches;

/// <summary>
/// <c>bench-tiles</c>: dense z14 parcel tiles through /tiles (cold, then cached) against a hand-written
/// <c>ST_AsMVT</c> query on the same data in the same run, then the map page in headless Chromium: from load to the
/// first complete map, and from a click to the answer in the panel (product contract section 7).
/// </summary>
internal static class BenchTilesCommand
{
    private const int Zoom = 14;
    private const string Layer = "bench-lookup-parcels";

    /// <summary>The baseline: the ST_AsMVT query one would write by hand for the same tile of the same version.</summary>
    private const string RawSql = """
        SELECT ST_AsMVT(t, 'parcels', 4096, 'geom')
        FROM (SELECT o.source_id AS id,
                     ST_AsMVTGeom(ST_Transform(o.geom, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
              FROM map_objects o
              WHERE o.version_id = $4 AND o.geom && ST_Transform(ST_TileEnvelope($1, $2, $3, margin => 64.0 / 4096), twin_storage_srid())) t
        """;

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "Path of TwinServer.dll.", Required = true };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Leave out the map page's timings in Chromium." };
        var psqlUrl = new Option<string>("--psql-url") { Description = "The database as a postgres:// URL, for the server.", Required = true };
        var tiles = new Option<int>("--tiles") { Description = "How many different dense z14 tiles to ask for.", DefaultValueFactory = _ => 40 };
        var rounds = new Option<int>("--rounds") { Description = "Page loads and clicks in the browser.", DefaultValueFactory = _ => 5 };
        var detail = new Option<bool>("--detail") { Description = "Print each page load's requests and marks up to the first complete map." };
        var trace = new Option<string?>("--trace") { Description = "Write Chromium's performance trace of the first measured page load to this file (open it in Perfetto or chrome://tracing)." };
        var command = new Command("bench-tiles", "Dense vector tiles through /tiles against raw ST_AsMVT, and the map page in Chromium.")
        {
            server, noBrowser, psqlUrl, tiles, rounds, detail, trace,
        };
        command.SetAction((parse, cancellationToken) => BenchDatabase.RunAsync(async ct =>
        {
            // The baseline runs with the server's session settings (no parallel plans), as /tiles' own query does.
            await using var dataSource = await BenchDatabase.OpenAsync(ct, TwinDatabase.ServerSessionOptions);
            await BenchCity.EnsureAsync(dataSource, 1_000_000, ct);
            await using (var versionCommand = dataSource.CreateCommand("SELECT current_version FROM layers WHERE name = $1"))
            {
                versionCommand.Parameters.AddWithValue(Layer);
                var version = (int)(await versionCommand.ExecuteScalarAsync(ct))!;
                var addresses = DenseTiles(parse.GetValue(tiles));

                // The map opens over the dense middle of the bench city.
                var settings = new Dictionary<string, string>
                {
                    ["Map__Center__0"] = "24.65", ["Map__Center__1"] = "60.075", ["Map__Zoom"] = "17", ["Map__DefaultTaskType"] = "graffiti",
                };
                using var twin = await BenchServer.StartAsync(parse.GetValue(server)!, parse.GetValue(psqlUrl)!, ct, settings);
                try
                {
                    await TilesAsync(dataSource, version, addresses, ct);
                    if (!parse.GetValue(noBrowser)) await BrowserAsync(dataSource, parse.GetValue(rounds), parse.GetValue(detail), parse.GetValue(trace), ct);
                }
                finally
                {
                    twin.Kill(entireProcessTree: true);
                    await twin.WaitForExitAsync(CancellationToken.None);
                }
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>z14 tiles wholly inside the bench city (1,000 × 1,000 parcels from 24.5°E 60.0°N), about 4,000 parcels each.</summary>
    private static List<(int X, int Y)> DenseTiles(int count)
    {
        static int TileX(double lon) => (int)Math.Floor((lon + 180) / 360 * (1 << Zoom));
        static int TileY(double lat) => (int)Math.Floor((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * (1 << Zoom));
        var tiles = new List<(int, int)>();
        for (var y = TileY(60.14) + 1; y < TileY(60.01); y++)
        for (var x = TileX(24.51) + 1; x < TileX(24.79); x++)
        {
            tiles.Add((x, y));
        }
        return [.. tiles.OrderBy(t => (t.Item1 * 7919 + t.Item2 * 104729) % 1009).Take(count)];
    }

    private static async Task TilesAsync(NpgsqlDataSource dataSource, int version, List<(int X, int Y)> tiles, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(BenchServer.Address) };
        http.DefaultRequestHeaders.Add("X-Api-Key", await BenchKeys.KeyAsync(dataSource, "bench-tiles", TwinRoles.Integration, cancellationToken));
        // Warm both sides (PROJ start-up in each connection, JIT) on a tile outside the measured set.
        for (var i = 0; i < 5; i++)
        {
            await RawAsync(dataSource, version, tiles[^1].X, tiles[^1].Y + 100, cancellationToken);
            (await http.GetAsync($"/tiles/{Layer}/{Zoom}/{tiles[^1].X + i}/{tiles[^1].Y + 100}.mvt", cancellationToken)).Dispose();
        }

        var raw = new List<double>();
        var cold = new List<double>();
        var cached = new List<double>();
        long rawBytes = 0, tileBytes = 0;
        foreach (var (x, y) in tiles)
        {
            // Per tile: the raw query, then the same tile through /tiles for the first time, then again.
            var watch = Stopwatch.StartNew();
            rawBytes += (await RawAsync(dataSource, version, x, y, cancellationToken)).Length;
            raw.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            tileBytes += (await http.GetByteArrayAsync($"/tiles/{Layer}/{Zoom}/{x}/{y}.mvt", cancellationToken)).Length;
            cold.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            _ = await http.GetByteArrayAsync($"/tiles/{Layer}/{Zoom}/{x}/{y}.mvt", cancellationToken);
            cached.Add(watch.Elapsed.TotalMilliseconds);
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("z14 parcel tile").AddColumn("median").AddColumn("p90").AddColumn("mean size").AddColumn("÷ raw (median)");
        static double Percentile(List<double> times, double p) => Statistics.Percentile(times.Order().ToList(), p);
        var rawMedian = Percentile(raw, 0.5);
        void Row(string label, List<double> times, long bytes) => table.AddRow(label, Ms(Percentile(times, 0.5)), Ms(Percentile(times, 0.9)),
            bytes == 0 ? "" : $"{bytes / tiles.Count / 1024} KiB", (Percentile(times, 0.5) / rawMedian).ToString("F2", CultureInfo.InvariantCulture));
        Row("raw ST_AsMVT (SQL)", raw, rawBytes);
        Row("/tiles, cold", cold, tileBytes);
        Row("/tiles, cached", cached, 0);
        AnsiConsole.MarkupLineInterpolated($"{tiles.Count} different dense z14 tiles of {Layer}, one after another:");
        AnsiConsole.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cold /tiles ÷ raw ST_AsMVT: {Percentile(cold, 0.5) / rawMedian:F2} (target ≤ 1.5); cached: {Percentile(cached, 0.5):F1} ms"));
    }

    private static async Task<byte[]> RawAsync(NpgsqlDataSource dataSource, int version, int x, int y, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(RawSql);
        command.Parameters.AddWithValue(Zoom);
        command.Parameters.AddWithValue(x);
        command.Parameters.AddWithValue(y);
        command.Parameters.AddWithValue(version);
        return (byte[]?)await command.ExecuteScalarAsync(cancellationToken) ?? [];
    }

    /// <summary>The browser timings, by TwinBench (Playwright in Debian's Chromium), which prints one JSON line per round.</summary>
    private static async Task BrowserAsync(NpgsqlDataSource dataSource, int rounds, bool detail, string? trace, CancellationToken cancellationToken)
    {
        // The map is for people signed in: a handler of the bench's own, with a new password each run, whose inbox holds
        // the contract's working day: at least 300 open cases, reported by a citizen app around the clicked spot.
        var open = await EnsureOpenCasesAsync(dataSource, OpenCases, cancellationToken);
        var (username, password) = await BenchKeys.HandlerAsync(dataSource, cancellationToken);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["TWIN_BENCH_USER"] = username;
        start.Environment["TWIN_BENCH_PASSWORD"] = password;
        // In a process of its own, so that the browser's work is not counted against the server's client here.
        foreach (var a in new[] { typeof(MapPageCommand).Assembly.Location, "map-page", "--url", BenchServer.Address, "--rounds", rounds.ToString(CultureInfo.InvariantCulture), "--lon", "24.65", "--lat", "60.075" })
        {
            start.ArgumentList.Add(a);
        }
        if (detail) start.ArgumentList.Add("--detail");
        if (trace is not null)
        {
            start.ArgumentList.Add("--trace");
            start.ArgumentList.Add(Path.GetFullPath(trace));
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0) throw new BenchException($"The browser timings failed: {errors}{output}");
        if (detail) Console.Error.Write(errors);
        var load = new List<double>();
        var click = new List<double>();
        foreach (var line in output.Split('\n').Where(l => l.StartsWith('{')))
        {
            using var json = JsonDocument.Parse(line);
            load.Add(json.RootElement.GetProperty("loadToMapMs").GetDouble());
            click.Add(json.RootElement.GetProperty("clickToPanelMs").GetDouble());
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("map page in Chromium").AddColumn("median").AddColumn("p90").AddColumn("worst")
            .AddColumn("target").AddColumn("verdict");
        void Row(string label, List<double> times, double target)
        {
            var sorted = times.Order().ToList();
            var p90 = Statistics.Percentile(sorted, 0.9);
            table.AddRow(label, Ms(Statistics.Median(times)), Ms(p90), Ms(sorted[^1]), $"p90 < {target.ToString("N0", CultureInfo.InvariantCulture)} ms",
                Statistics.Verdict(p90 < target));
        }
        Row("load → first complete map", load, 2000);
        Row("click → answer in the panel", click, 300);
        AnsiConsole.MarkupLineInterpolated(
            $"{load.Count} page loads and clicks (headless Chromium, 1440 × 900, the map over the bench city at z17, a handler's inbox of {open:N0} open cases):");
        AnsiConsole.Write(table);
    }

    /// <summary>The open cases a handler's working day has in the product contract's target.</summary>
    private const int OpenCases = 300;

    /// <summary>
    /// At least <paramref name="wanted"/> open cases in the inbox: what is missing is reported through Open311 by a
    /// citizen app of the bench's own, scattered within half a kilometre of the clicked spot. Returns how many are open.
    /// </summary>
    private static async Task<long> EnsureOpenCasesAsync(NpgsqlDataSource dataSource, int wanted, CancellationToken cancellationToken)
    {
        await using var count = dataSource.CreateCommand("SELECT count(*) FROM cases WHERE status NOT IN ('done', 'closed')");
        var open = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        if (open >= wanted) return open;
        await using var service = dataSource.CreateCommand("SELECT code FROM task_types ORDER BY code LIMIT 1");
        var code = (string?)await service.ExecuteScalarAsync(cancellationToken) ?? throw new BenchException("The bench city has no task types to report cases in.");
        var key = await BenchKeys.KeyAsync(dataSource, "bench tiles inbox", "citizen-app", cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(BenchServer.Address) };
        var random = new Random(300);
        for (var i = open; i < wanted; i++)
        {
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = key, ["service_code"] = code, ["description"] = $"Bench inbox {i + 1}",
                ["lat"] = (60.075 + (random.NextDouble() - 0.5) * 0.009).ToString("F6", CultureInfo.InvariantCulture),
                ["long"] = (24.65 + (random.NextDouble() - 0.5) * 0.018).ToString("F6", CultureInfo.InvariantCulture),
            });
            using var response = await http.PostAsync("/open311/v2/requests.json", form, cancellationToken);
            if (!response.IsSuccessStatusCode) throw new BenchException($"Reporting the inbox's cases failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        return wanted;
    }

    private static string Ms(double value) => value.ToString("N1", CultureInfo.InvariantCulture) + " ms";
}

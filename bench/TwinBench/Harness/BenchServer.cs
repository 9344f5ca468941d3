using System.Diagnostics;

namespace DigitalTwin.Bench.Harness;

/// <summary>The server (and other programs of the repository) started for a bench run, on a port of its own, once ready.</summary>
internal static class BenchServer
{
    /// <summary>The port of a bench's server: 5097, or TWIN_BENCH_PORT (when another bench already runs on this machine).</summary>
    public static readonly int Port = int.TryParse(Environment.GetEnvironmentVariable("TWIN_BENCH_PORT"), out var port) && port is > 0 and < 65535 ? port : 5097;

    /// <summary>Where a bench's server listens.</summary>
    public static readonly string Address = $"http://127.0.0.1:{Port}";

    /// <summary>TwinServer on <see cref="Address"/> for the run, once it answers /health/ready; quiet logs unless <paramref name="settings"/> say otherwise.</summary>
    public static Task<Process> StartAsync(string serverDll, string databaseUrl, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["TWIN_DATABASE_URL"] = databaseUrl,
            ["ASPNETCORE_URLS"] = Address,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) environment[key] = value;
        return StartProcessAsync(serverDll, environment, Address + "/health/ready", cancellationToken);
    }

    /// <summary>A .NET program of the repository, started for the run, once it answers <paramref name="readyUrl"/>.</summary>
    public static async Task<Process> StartProcessAsync(string dll, IReadOnlyDictionary<string, string> environment, string readyUrl,
        CancellationToken cancellationToken)
    {
        if (!File.Exists(dll)) throw new BenchException($"{dll} is not built.");
        // Another program answering there would be taken for ours (and a bench would measure another server).
        var uri = new Uri(readyUrl);
        try
        {
            using var probe = new System.Net.Sockets.TcpClient();
            await probe.ConnectAsync(uri.Host, uri.Port, cancellationToken);
            throw new BenchException($"Port {uri.Port} is taken by another program (another bench?). Stop it, or run on other ports: TWIN_BENCH_PORT={uri.Port + 100} (the server; the contractor simulator takes the port below it).");
        }
        catch (System.Net.Sockets.SocketException)
        {
            // Free, as it should be.
        }
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync(cancellationToken);
        _ = process.StandardError.ReadToEndAsync(cancellationToken);
        using var http = new HttpClient();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await http.GetAsync(readyUrl, cancellationToken)).IsSuccessStatusCode) return process;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (deadline.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new BenchException($"{Path.GetFileNameWithoutExtension(dll)} did not answer {readyUrl} within 60 s.");
            }
            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Stops a program started for the run.</summary>
    public static async Task StopAsync(Process process)
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync(CancellationToken.None);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DigitalTwin.Server.Testing;

/// <summary>
/// The real server as its own process (the Release build that <c>./twin test</c> makes), on a loopback port it picks,
/// for tests whose faults an in-memory server cannot have: its database stopped under it, the process killed.
/// </summary>
public sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> lines = new();

    private ServerProcess(Process process) => this.process = process;

    /// <summary>Where it listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The last lines it wrote (warnings and errors), for a failing test's message.</summary>
    public string Output => string.Join('\n', lines.TakeLast(40));

    /// <summary>Starts the server on a database and returns once it listens (it has checked its budget and migrated).</summary>
    /// <param name="databaseUrl">The database, as TWIN_DATABASE_URL names it.</param>
    /// <param name="settings">Configuration as environment variables, e.g. <c>Cases__AutoForward=true</c>.</param>
    public static async Task<ServerProcess> StartAsync(string databaseUrl, IReadOnlyDictionary<string, string>? settings = null)
    {
        var dll = Path.Combine(SampleCityServer.RepositoryRoot, "src", "TwinServer", "bin", "Release", "net10.0", "TwinServer.dll");
        File.Exists(dll).ShouldBeTrue($"{dll} is built by ./twin test");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        start.Environment["TWIN_DATABASE_URL"] = databaseUrl;
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Now listening on: ..."
        foreach (var (name, value) in settings ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var server = new ServerProcess(process);
        void Read(string? line)
        {
            if (line is null) return;
            server.lines.Enqueue(line);
            while (server.lines.Count > 400) server.lines.TryDequeue(out _);
            if (Listening().Match(line) is { Success: true } m) listening.TrySetResult(new Uri(m.Groups[1].Value.TrimEnd('/') + "/"));
        }
        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != listening.Task)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The server did not start listening:\n{server.Output}");
        }
        server.Address = await listening.Task;
        return server;
    }

    /// <summary>SIGKILL: no shutdown, connections cut off mid-transaction.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>
    /// SIGSTOP (<paramref name="frozen"/>) or SIGCONT: the process stops answering with its sockets open, as a machine
    /// that hangs or a network that drops its packets leaves it; the database is told nothing.
    /// </summary>
    public async Task FreezeAsync(bool frozen)
    {
        using var signal = Process.Start("kill", [frozen ? "-STOP" : "-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await signal.WaitForExitAsync();
        signal.ExitCode.ShouldBe(0);
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}

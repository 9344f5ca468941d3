using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>One audit of graphql-http's <c>serverAudits</c>, as <c>audit.mjs</c> prints it.</summary>
/// <param name="Id">graphql-http's stable id of the audit, e.g. <c>4655</c>.</param>
/// <param name="Name">What the audit checks, starting with its level.</param>
/// <param name="Level">MUST, SHOULD or MAY: the first word of the audit's name.</param>
/// <param name="Status"><c>ok</c>, or <c>error</c> (a MUST failed), <c>warn</c> (a SHOULD), <c>notice</c> (a MAY).</param>
/// <param name="Reason">Why it failed, in graphql-http's words.</param>
/// <param name="HttpStatus">The status code of the response that failed the audit.</param>
public sealed record AuditResult(string Id, string Name, string Level, string Status, string? Reason, int? HttpStatus)
{
    public bool Passed => Status == "ok";

    public override string ToString() => Passed ? $"{Id} {Name}: ok" : $"{Id} {Name}: {Reason} (HTTP {HttpStatus})";
}

/// <summary>
/// The public GraphQL-over-HTTP conformance audit (npm package graphql-http, pinned in <c>GraphQLAudit/package.json</c>),
/// run by Node.js against a URL. The build installs the packages with <c>npm ci</c> from the committed lock file.
/// </summary>
public static class GraphQLHttpAudit
{
    public static string Folder { get; } = Path.Combine(SampleCityServer.RepositoryRoot, "tests", "TwinServer.Tests", "GraphQLAudit");

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs every audit against <paramref name="graphqlUrl"/> and returns them in graphql-http's order.</summary>
    /// <param name="graphqlUrl">The endpoint.</param>
    /// <param name="apiKey">The key every request carries (X-Api-Key): GraphQL answers only callers it knows.</param>
    public static async Task<IReadOnlyList<AuditResult>> RunAsync(Uri graphqlUrl, string apiKey)
    {
        EnsureInstalled();
        var (exitCode, stdout, stderr) = await RunProcessAsync("node", ["audit.mjs", graphqlUrl.ToString()], TimeSpan.FromMinutes(2),
            new Dictionary<string, string> { ["TWIN_API_KEY"] = apiKey });
        // 0: every MUST passed; 1: a MUST failed (the results say which); anything else: the audit could not run.
        if (exitCode is not (0 or 1))
        {
            throw new InvalidOperationException($"node audit.mjs {graphqlUrl} failed (exit code {exitCode}):\n{stdout}\n{stderr}");
        }
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => JsonSerializer.Deserialize<AuditResult>(line, Json)
                ?? throw new InvalidOperationException($"audit.mjs printed a line that is not an audit: {line}"))];
    }

    /// <summary>The build installs the audit's packages (build/NpmBundle.targets); a test never reaches for the registry.</summary>
    private static void EnsureInstalled()
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", "graphql-http", "package.json")))
        {
            throw new InvalidOperationException(
                $"graphql-http is not installed in {Folder}: build the test project (./twin test does), which runs npm ci there.");
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(string program, string[] arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = Folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = StartOrExplain(start);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish within {timeout.TotalMinutes} minutes in {Folder}.");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the process; a missing node or npm fails with how to install it, never skips the audit.</summary>
    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"The GraphQL-over-HTTP audit needs Node.js 18+ and npm, and '{start.FileName}' was not found ({e.Message}). " +
                "Install them (Debian, Ubuntu: apt-get install nodejs npm) and run the tests again.", e);
        }
    }
}

using System.Diagnostics;
using System.Net;
using DigitalTwin.Testing;

namespace DigitalTwin.Server.Testing;

/// <summary>
/// HAProxy in front of server nodes, as <c>./twin cluster</c> runs it (its own process, on a loopback port it picks):
/// a browser stays with one node by the cookie TWINNODE, a node whose health check fails or that refuses connections
/// is left for the others. Debian's haproxy; <c>./twin test</c> installs it.
/// </summary>
public sealed class Balancer : IAsyncDisposable
{
    private readonly Process process;
    private readonly string folder;

    private Balancer(Process process, string folder, Uri address)
    {
        this.process = process;
        this.folder = folder;
        Address = address;
    }

    /// <summary>Where it listens, e.g. http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The name the cookie TWINNODE carries for the node at <paramref name="index"/> of those it was given: node1, node2, ...</summary>
    public static string NodeName(int index) => $"node{index + 1}";

    /// <summary>Starts HAProxy before the nodes and returns once it sends a request to one of them.</summary>
    public static async Task<Balancer> StartAsync(IReadOnlyList<Uri> nodes)
    {
        var haproxy = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No haproxy: install it (sudo apt-get install haproxy; ./twin test does).");
        var port = LoopbackPort.Take();
        var folder = Directory.CreateTempSubdirectory("twin-balancer-").FullName;
        var config = Path.Combine(folder, "haproxy.cfg");
        // The settings of ./twin cluster that decide where a browser goes (its cookie, checks and retries), quicker checks.
        await File.WriteAllTextAsync(config, $"""
            global
                maxconn 256
            defaults
                mode http
                timeout connect 2s
                timeout client 60s
                timeout server 60s
                timeout tunnel 1h
                option redispatch 1
                retries 3
                retry-on conn-failure
            frontend twin
                bind 127.0.0.1:{port}
                default_backend servers
            backend servers
                balance roundrobin
                cookie TWINNODE insert indirect nocache httponly
                option httpchk GET /health/ready
                http-check expect status 200
                default-server inter 500ms fall 2 rise 2
            {string.Join('\n', nodes.Select((node, i) => $"    server {NodeName(i)} {node.Host}:{node.Port} cookie {NodeName(i)} check"))}

            """); // HAProxy refuses a last line without its line feed
        var start = new ProcessStartInfo(haproxy) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-W", "-db", "-f", config }) start.ArgumentList.Add(argument);
        var process = Process.Start(start)!;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var balancer = new Balancer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var tries = 0; ; tries++)
        {
            if (process.HasExited || tries == 60)
            {
                await balancer.DisposeAsync();
                throw new InvalidOperationException($"HAProxy did not serve on :{port} within 30 s:\n{string.Join('\n', output)}");
            }
            try
            {
                using var response = await client.GetAsync(new Uri(balancer.Address, "health/ready"));
                if (response.StatusCode == HttpStatusCode.OK) return balancer;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}

using System.Net;
using System.Net.Sockets;

namespace DigitalTwin.Testing;

/// <summary>
/// Loopback ports for servers a test starts on a port it must know before they listen (PostgreSQL, MapServer's host,
/// the SMTP server). A port the kernel hands out for port 0 comes from the ephemeral range, the same range it takes
/// the local side of every outgoing connection from: between closing the probe and the server's bind, a connection
/// of the suite (to PostgreSQL, say) may take it ("Address already in use", seen in CI). So these ports come from
/// below that range, where the kernel never puts an outgoing connection, are bound once to see nobody listens, and
/// are never handed out twice in one test process. Two test processes picking the same number in the same
/// millisecond is left to chance (one in some twelve thousand).
/// </summary>
public static class LoopbackPort
{
    private static readonly HashSet<int> Given = [];
    private static readonly (int Low, int High) Range = BelowEphemeral();

    /// <summary>A loopback port nobody listens on now, outside the kernel's ephemeral range.</summary>
    public static int Take()
    {
        lock (Given)
        {
            for (var attempt = 0; attempt < 200; attempt++)
            {
                var port = Random.Shared.Next(Range.Low, Range.High + 1);
                if (Given.Contains(port) || !Free(port)) continue;
                Given.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port in {Range.Low}-{Range.High} after 200 tries.");
    }

    private static bool Free(int port)
    {
        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// 20000 up to just below the ephemeral range's start (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by
    /// default; elsewhere 49152, IANA's).
    /// </summary>
    private static (int Low, int High) BelowEphemeral()
    {
        var first = OperatingSystem.IsLinux() && File.Exists("/proc/sys/net/ipv4/ip_local_port_range")
            && int.TryParse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var low)
            ? low : 49152;
        return first > 21000 ? (20000, first - 1) : (1025, Math.Max(1025, first - 1));
    }
}

using System.ComponentModel.DataAnnotations;

namespace DigitalTwin.Server.Cluster;

/// <summary>How the server nodes that share one database keep each other informed (configuration section <c>Cluster</c>).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>
    /// The open inboxes reload this often even when no notice came: the bound on how stale an inbox can be when a
    /// notice was lost (a node killed between its commit and its notice).
    /// </summary>
    [Range(1, 3600)]
    public int FallbackRefreshSeconds { get; set; } = 30;

    /// <summary>How often the listening connection, idle, checks that the database is still there.</summary>
    [Range(1, 600)]
    public int ListenerCheckSeconds { get; set; } = 5;

    /// <summary>The longest wait between two attempts to listen again after the database went away (the first is half a second, then doubling).</summary>
    [Range(1, 600)]
    public int MaxReconnectSeconds { get; set; } = 10;
}

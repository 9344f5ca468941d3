namespace DigitalTwin.Server.Testing;

/// <summary>
/// The real server on a real loopback port (Kestrel on 127.0.0.1, a port the system picks, so parallel runs never
/// collide), for clients outside this process such as the graphql-http audit in Node.js. Tests in this process use
/// <see cref="TwinServerFactory"/>'s in-memory server, which needs no port.
/// </summary>
public sealed class LoopbackTwinServer : TwinServerFactory
{
    public LoopbackTwinServer() => UseKestrel(0);
}

namespace DigitalTwin.Server.Testing;

/// <summary>The sample city served on a real loopback port, for clients outside this process (GDAL's ogrinfo and ogr2ogr).</summary>
public sealed class LoopbackSampleCityServer : SampleCityServer
{
    public LoopbackSampleCityServer() => UseKestrel(0);
}

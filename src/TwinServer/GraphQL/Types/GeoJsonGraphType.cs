namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>A GeoJSON geometry (RFC 7946: WGS84 longitude/latitude), written as a JSON object, not a string.</summary>
public sealed class GeoJsonGraphType : JsonTextGraphType
{
    public GeoJsonGraphType()
    {
        Name = "GeoJSON";
        Description = "A GeoJSON geometry object (RFC 7946, WGS84 longitude/latitude).";
    }
}

using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>A GeoJSON geometry (RFC 7946: WGS84 longitude/latitude), written as a JSON object, not a string.</summary>
public sealed class GeoJsonGraphType : ScalarGraphType
{
    public GeoJsonGraphType()
    {
        Name = "GeoJSON";
        Description = "A GeoJSON geometry object (RFC 7946, WGS84 longitude/latitude).";
    }

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        string text => JsonDocument.Parse(text).RootElement.Clone(),
        _ => value,
    };

    public override object? ParseValue(object? value) => value;

    public override object? ParseLiteral(GraphQLValue value) => value;
}

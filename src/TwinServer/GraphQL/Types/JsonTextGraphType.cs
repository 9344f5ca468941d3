using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>JSON text from the database, written into the response as JSON, not as a string.</summary>
public abstract class JsonTextGraphType : ScalarGraphType
{
    public override object? Serialize(object? value) => value switch
    {
        null => null,
        string text => JsonDocument.Parse(text).RootElement.Clone(),
        _ => value,
    };

    /// <summary>As input (a GeoJSON filter), the JSON is kept as text for PostGIS to read.</summary>
    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        string text => text,
        _ => JsonSerializer.Serialize(value),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue text => (string)text.Value,
        GraphQLObjectValue obj => JsonSerializer.Serialize(ToObject(obj)),
        _ => ThrowLiteralConversionError(value),
    };

    private static object? ToObject(GraphQLValue value) => value switch
    {
        GraphQLObjectValue obj => obj.Fields?.ToDictionary(f => (string)f.Name.Value, f => ToObject(f.Value)) ?? [],
        GraphQLListValue list => list.Values?.Select(ToObject).ToList() ?? [],
        GraphQLIntValue i => double.Parse((string)i.Value, System.Globalization.CultureInfo.InvariantCulture),
        GraphQLFloatValue f => double.Parse((string)f.Value, System.Globalization.CultureInfo.InvariantCulture),
        GraphQLStringValue s => (string)s.Value,
        GraphQLBooleanValue b => b.BoolValue,
        _ => null,
    };
}

namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>Any JSON value: the source attributes of an object, as the file had them.</summary>
public sealed class JsonGraphType : JsonTextGraphType
{
    public JsonGraphType()
    {
        Name = "JSON";
        Description = "A JSON value.";
    }
}

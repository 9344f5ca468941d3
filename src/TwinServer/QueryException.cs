namespace DigitalTwin.Server;

/// <summary>
/// A question that cannot be answered as asked (unknown task type, bad CRS, bad GeoJSON, unknown object, page too
/// large, ...). The code is what a client acts on; GraphQL puts it in the error's extensions.code.
/// </summary>
public sealed class QueryException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

namespace DigitalTwin.Data.Domain;

/// <summary>
/// A map object's stable id: its layer's name, a colon, and its id in the source (which may itself hold colons),
/// e.g. <c>sthlm-bridges:TK-BRO-0042</c>. SQL forms and splits it with <c>twin_object_id</c>,
/// <c>twin_object_layer</c> and <c>twin_object_source</c> (migration 0013).
/// </summary>
public readonly record struct MapObjectId(string Layer, string SourceId)
{
    public override string ToString() => $"{Layer}:{SourceId}";

    /// <summary>Reads an id: a layer name by <see cref="LayerNames"/>' rule, a colon, and a source id that is not empty.</summary>
    public static bool TryParse(string? text, out MapObjectId id)
    {
        var colon = text?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (colon > 0 && colon < text!.Length - 1 && LayerNames.IsValid(text[..colon]))
        {
            id = new MapObjectId(text[..colon], text[(colon + 1)..]);
            return true;
        }
        id = default;
        return false;
    }
}

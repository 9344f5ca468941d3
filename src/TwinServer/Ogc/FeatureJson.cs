using System.Text.Json;

namespace DigitalTwin.Server.Ogc;

/// <summary>
/// Writes a map object as a GeoJSON feature (RFC 7946 shape; coordinates in the CRS asked for). Its id is the source
/// id, unique within the collection; <c>properties</c> hold the domain's fields under fixed names, the same in every
/// feature of a layer so that GDAL and QGIS see one schema, then the source attributes as the file had them. A source
/// attribute whose name is one of ours is written as <c>source_NAME</c>; a name the source repeats is written once.
/// </summary>
internal static class FeatureJson
{
    private static readonly string[] Fields =
        ["object_id", "kind", "type", "name", "address", "owner", "manager", "contractor", "commissioner", "subcontractor", "task_types", "valid_from", "valid_to"];

    /// <summary>The domain's property names, for the API definition and the docs.</summary>
    public static IReadOnlyList<string> DomainFields => Fields;

    public static void Write(Utf8JsonWriter json, FeatureRow row, Action<Utf8JsonWriter>? links = null)
    {
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", row.SourceId);
        json.WritePropertyName("geometry");
        if (row.Geometry is null) json.WriteNullValue();
        else json.WriteRawValue(row.Geometry, skipInputValidation: true);
        json.WriteStartObject("properties");
        json.WriteString("object_id", row.ObjectId);
        json.WriteString("kind", row.Kind);
        json.WriteString("type", row.Type);
        json.WriteString("name", row.Name);
        json.WriteString("address", row.Address);
        json.WriteString("owner", row.Owner);
        json.WriteString("manager", row.Manager);
        json.WriteString("contractor", row.Contractor);
        json.WriteString("commissioner", row.Commissioner);
        json.WriteString("subcontractor", row.Subcontractor);
        json.WriteString("task_types", row.TaskTypes);
        WriteDate(json, "valid_from", row.ValidFrom);
        WriteDate(json, "valid_to", row.ValidTo);
        WriteAttributes(json, row.Attributes);
        json.WriteEndObject();
        links?.Invoke(json);
        json.WriteEndObject();
    }

    private static void WriteDate(Utf8JsonWriter json, string name, DateOnly? date)
    {
        if (date is { } d) json.WriteString(name, d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        else json.WriteNull(name);
    }

    private static void WriteAttributes(Utf8JsonWriter json, string attributes)
    {
        using var document = JsonDocument.Parse(attributes);
        if (document.RootElement.ValueKind != JsonValueKind.Object) return;
        var written = new HashSet<string>(Fields, StringComparer.Ordinal);
        foreach (var attribute in document.RootElement.EnumerateObject())
        {
            var name = Array.IndexOf(Fields, attribute.Name) >= 0 ? "source_" + attribute.Name : attribute.Name;
            if (!written.Add(name)) continue;
            json.WritePropertyName(name);
            attribute.Value.WriteTo(json);
        }
    }
}

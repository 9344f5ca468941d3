using System.Text;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// Reads one GeoJSON Feature that stands alone on a line, as GDAL's GeoJSON writer puts each feature of a
/// FeatureCollection: its properties (string, long when integral, double, bool, null; arrays and objects as their
/// JSON text, as <see cref="GeoJsonSource"/> hands them on) and its geometry, read by NetTopologySuite's converter.
/// </summary>
internal sealed class GeoJsonFeatureLine
{
    private readonly JsonSerializerOptions options;
    private readonly string? idName;

    /// <param name="factory">Makes the geometries, with the source's SRID.</param>
    /// <param name="idName">The attribute a feature's own <c>id</c> member goes to (the layer's FID column); null to leave it.</param>
    public GeoJsonFeatureLine(GeometryFactory factory, string? idName)
    {
        this.idName = idName;
        options = new JsonSerializerOptions();
        options.Converters.Add(new GeoJsonConverterFactory(factory));
    }

    /// <summary>The feature's properties and geometry; the geometry null with the reason when it cannot be read.</summary>
    /// <exception cref="JsonException">The line is not a JSON object.</exception>
    public (Dictionary<string, object?> Properties, Geometry? Geometry, string? GeometryError) Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        Geometry? geometry = null;
        string? error = null;
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a feature is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("properties"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject) ReadProperties(ref reader, line, properties);
                else reader.Skip();
            }
            else if (reader.ValueTextEquals("geometry"u8))
            {
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                (geometry, error) = ReadGeometry(line[start..(int)reader.BytesConsumed]);
            }
            else if (idName is not null && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                properties.TryAdd(idName, reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var fid) ? fid : reader.GetString());
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return (properties, geometry, error);
    }

    private static void ReadProperties(ref Utf8JsonReader reader, ReadOnlySpan<byte> line, Dictionary<string, object?> properties)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            object? value;
            switch (reader.TokenType)
            {
                case JsonTokenType.String: value = reader.GetString(); break;
                // Boxed apart: a conditional of long and double would make every integer a double.
                case JsonTokenType.Number: value = reader.TryGetInt64(out var integer) ? integer : (object)reader.GetDouble(); break;
                case JsonTokenType.True: value = true; break;
                case JsonTokenType.False: value = false; break;
                case JsonTokenType.Null: value = null; break;
                default:
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    value = Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]);
                    break;
            }
            properties[name] = value;
        }
    }

    private (Geometry?, string?) ReadGeometry(ReadOnlySpan<byte> json)
    {
        try
        {
            var geometry = JsonSerializer.Deserialize<Geometry>(json, options);
            return (Flatten.To2D(geometry), null);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            return (null, $"the geometry GDAL handed on cannot be read: {e.Message}");
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace DigitalTwin.Server.Open311;

/// <summary>
/// An Open311 answer: a list of items (each an ordered list of fields) that GeoReport v2 writes as a JSON array or as
/// XML (<c>&lt;service_requests&gt;&lt;request&gt;...</c>), the format the path's extension names. A field's value
/// may nest: an <see cref="Open311Object"/> (a JSON object; an element with children), a list of objects or a list
/// of strings (a JSON array; an element with one child per entry, named by the field's singular, e.g.
/// <c>&lt;media_urls&gt;&lt;media_url&gt;</c>).
/// </summary>
internal sealed class Open311Document(string root, string item, IReadOnlyList<IReadOnlyList<(string Name, object? Value)>> items, int status = 200)
{
    public int Status { get; } = status;

    /// <summary>The specification's error body: [{"code": 400, "description": "..."}].</summary>
    public static Open311Document Error(int status, string description) =>
        new("errors", "error", [[("code", status), ("description", description)]], status);

    public IResult ToResult(string format) => format == "xml"
        ? Results.Text(Xml(), "text/xml; charset=utf-8", Encoding.UTF8, Status)
        : Results.Text(Json(), "application/json; charset=utf-8", Encoding.UTF8, Status);

    private string Json()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var fields in items)
            {
                json.WriteStartObject();
                foreach (var (name, value) in fields) WriteJson(json, name, value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(name); break;
            case string s: json.WriteString(name, s); break;
            case bool b: json.WriteBoolean(name, b); break;
            case int i: json.WriteNumber(name, i); break;
            case long l: json.WriteNumber(name, l); break;
            case double d: json.WriteNumber(name, d); break;
            case DateTimeOffset t: json.WriteString(name, Format(t)); break;
            case Open311Object nested:
                json.WriteStartObject(name);
                foreach (var (n, v) in nested.Fields) WriteJson(json, n, v);
                json.WriteEndObject();
                break;
            case IEnumerable<string> list:
                json.WriteStartArray(name);
                foreach (var s in list) json.WriteStringValue(s);
                json.WriteEndArray();
                break;
            case IEnumerable<IReadOnlyList<(string, object?)>> objects:
                json.WriteStartArray(name);
                foreach (var fields in objects)
                {
                    json.WriteStartObject();
                    foreach (var (n, v) in fields) WriteJson(json, n, v);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                break;
            default: json.WriteString(name, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private string Xml()
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement(root);
            foreach (var fields in items)
            {
                xml.WriteStartElement(item);
                foreach (var (name, value) in fields) WriteXml(xml, name, value);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        // XmlWriter over a StringBuilder declares UTF-16; the body is sent as UTF-8.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static void WriteXml(XmlWriter xml, string name, object? value)
    {
        switch (value)
        {
            case IEnumerable<IReadOnlyList<(string, object?)>> objects:
                xml.WriteStartElement(name);
                foreach (var fields in objects)
                {
                    xml.WriteStartElement(name.TrimEnd('s'));
                    foreach (var (n, v) in fields) WriteXml(xml, n, v);
                    xml.WriteEndElement();
                }
                xml.WriteEndElement();
                break;
            case Open311Object nested:
                xml.WriteStartElement(name);
                foreach (var (n, v) in nested.Fields) WriteXml(xml, n, v);
                xml.WriteEndElement();
                break;
            case IEnumerable<string> list when value is not string:
                xml.WriteStartElement(name);
                foreach (var s in list) xml.WriteElementString(name.TrimEnd('s'), s);
                xml.WriteEndElement();
                break;
            default:
                xml.WriteElementString(name, value switch
                {
                    null => "",
                    bool b => b ? "true" : "false",
                    DateTimeOffset t => Format(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString(),
                });
                break;
        }
    }

    /// <summary>W3C date-time with the offset, as the specification writes it.</summary>
    public static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}

/// <summary>A field whose value is itself an object (Helsinki's <c>extended_attributes</c>): a JSON object, an XML element with children.</summary>
internal sealed record Open311Object(IReadOnlyList<(string Name, object? Value)> Fields);

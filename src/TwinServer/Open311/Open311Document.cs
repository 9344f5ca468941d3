using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;
using DigitalTwin.Data.Text;

namespace DigitalTwin.Server.Open311;

/// <summary>
/// An Open311 answer in the format the path's extension names. Most are a list of items (each an ordered list of
/// fields) that GeoReport v2 writes as a JSON array or as XML with a root and one element per item
/// (<c>&lt;service_requests&gt;&lt;request&gt;...</c>); discovery and a service definition are one object, a JSON
/// object or a root element with the fields inside (<see cref="Single"/>). A field's value may nest: an
/// <see cref="Open311Object"/> (a JSON object; an element with children), a list of objects or a list of strings (a
/// JSON array; an element with one child per entry, named by the field's singular, e.g.
/// <c>&lt;media_urls&gt;&lt;media_url&gt;</c>). Every text is written through <see cref="TextRules.Clean"/>: what the
/// service takes in today is clean, but a value stored by an older version may not be, and one control character
/// must not make a whole feed unreadable (XML 1.0 cannot carry it at all).
/// </summary>
internal sealed class Open311Document
{
    private readonly string root;
    private readonly string? item;
    private readonly IReadOnlyList<IReadOnlyList<(string Name, object? Value)>> items;

    /// <summary>A list: a JSON array of objects; in XML the root element with an <paramref name="item"/> element per entry.</summary>
    public Open311Document(string root, string item, IReadOnlyList<IReadOnlyList<(string Name, object? Value)>> items, int status = 200)
    {
        this.root = root;
        this.item = item;
        this.items = items;
        Status = status;
    }

    private Open311Document(string root, IReadOnlyList<(string Name, object? Value)> fields)
    {
        this.root = root;
        items = [fields];
        Status = 200;
    }

    public int Status { get; }

    /// <summary>One object (discovery, a service definition): a JSON object; in XML the root element with the fields inside.</summary>
    public static Open311Document Single(string root, IReadOnlyList<(string Name, object? Value)> fields) => new(root, fields);

    /// <summary>
    /// The specification's error body: [{"code": 400, "description": "..."}], the code being the HTTP status unless a
    /// more specific one is given (the specification allows that, "so that more specific and unique error code
    /// identifiers can be used"): e.g. BAD_TEXT, which a client can act on.
    /// </summary>
    public static Open311Document Error(int status, string description, string? code = null) =>
        new("errors", "error", [[("code", (object?)code ?? status), ("description", description)]], status);

    /// <summary>JSON as application/json, XML as text/xml, both UTF-8, as the specification's examples have them.</summary>
    public IResult ToResult(string format) => format == "xml"
        ? Results.Text(Xml(), "text/xml; charset=utf-8", Encoding.UTF8, Status)
        : Results.Text(Json(), "application/json; charset=utf-8", Encoding.UTF8, Status);

    private string Json()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (item is not null) json.WriteStartArray();
            foreach (var fields in items)
            {
                json.WriteStartObject();
                foreach (var (name, value) in fields) WriteJson(json, name, value);
                json.WriteEndObject();
            }
            if (item is not null) json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null: json.WriteNull(name); break;
            case string s: json.WriteString(name, TextRules.Clean(s)); break;
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
                foreach (var s in list) json.WriteStringValue(TextRules.Clean(s));
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
            default: json.WriteString(name, TextRules.Clean(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")); break;
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
                if (item is not null) xml.WriteStartElement(item);
                foreach (var (name, value) in fields) WriteXml(xml, name, value);
                if (item is not null) xml.WriteEndElement();
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
                foreach (var s in list) xml.WriteElementString(name.TrimEnd('s'), TextRules.Clean(s));
                xml.WriteEndElement();
                break;
            default:
                xml.WriteElementString(name, TextRules.Clean(value switch
                {
                    null => "",
                    bool b => b ? "true" : "false",
                    DateTimeOffset t => Format(t),
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? "",
                }));
                break;
        }
    }

    /// <summary>W3C date-time with the offset, as the specification writes it.</summary>
    public static string Format(DateTimeOffset time) => time.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}

/// <summary>A field whose value is itself an object (Helsinki's <c>extended_attributes</c>): a JSON object, an XML element with children.</summary>
internal sealed record Open311Object(IReadOnlyList<(string Name, object? Value)> Fields);

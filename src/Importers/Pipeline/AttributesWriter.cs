using System.Buffers;
using System.Text.Json;
using DigitalTwin.Importers.Mapping;

namespace DigitalTwin.Importers.Pipeline;

/// <summary>
/// Writes a feature's source attributes as the JSON object the <c>attributes</c> column keeps, in the file's field order,
/// as UTF-8 bytes: what the COPY sends as it is (the binary form of <c>json</c> is its text). One writer and one buffer
/// serve every feature of an import; only the finished bytes are a new array.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A Utf8JsonWriter over an in-memory buffer holds nothing to release.")]
internal sealed class AttributesWriter
{
    // Text stays as written (å, not \u00E5): json keeps it verbatim, and it is stored, not put into HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ArrayBufferWriter<byte> buffer = new(1024);
    private readonly Utf8JsonWriter writer;

    public AttributesWriter() => writer = new Utf8JsonWriter(buffer, Options);

    public byte[] Write(IReadOnlyDictionary<string, object?> attributes)
    {
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        foreach (var (key, value) in attributes)
        {
            // PostgreSQL text cannot hold NUL.
            writer.WritePropertyName(WithoutNul(key));
            switch (value)
            {
                case null: writer.WriteNullValue(); break;
                case string s: writer.WriteStringValue(WithoutNul(s)); break;
                case long l: writer.WriteNumberValue(l); break;
                case int i: writer.WriteNumberValue(i); break;
                case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
                case decimal m: writer.WriteNumberValue(m); break;
                case bool b: writer.WriteBooleanValue(b); break;
                default: writer.WriteStringValue(FieldSource.AttributeText(value) is { } text ? WithoutNul(text) : null); break;
            }
        }
        writer.WriteEndObject();
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string WithoutNul(string text) => text.Contains('\0', StringComparison.Ordinal) ? text.Replace("\0", "", StringComparison.Ordinal) : text;
}

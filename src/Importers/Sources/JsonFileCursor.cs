using System.Text.Json;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// A window over a UTF-8 JSON file, refilled from the stream, that <see cref="Utf8JsonReader"/> parses one value at a time.
/// </summary>
/// <remarks>
/// A parser runs optimistically over what is buffered; when the value is cut by the end of the window, the parser
/// throws <see cref="NeedMoreData"/>, the window is refilled (and grown when one value is larger than it) and the parser
/// runs again from the same point with the saved reader state. That way the parsing code is plain recursive descent,
/// memory holds one value plus one window, and each byte is tokenised about once.
/// </remarks>
internal sealed class JsonFileCursor : IDisposable
{
    public delegate T ValueParser<T>(ref Utf8JsonReader reader);

    private const int InitialWindow = 1 << 20;

    private readonly FileStream stream;
    private byte[] buffer = new byte[InitialWindow];
    private int start;
    private int end;
    private bool endOfFile;
    private JsonReaderState state;
    private long bufferOffset;
    private long linesBeforeStart;

    public JsonFileCursor(string path)
    {
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        Rewind();
    }

    /// <summary>Bytes of the file before the next unread token.</summary>
    public long Position => bufferOffset + start;

    public long Length => stream.Length;

    /// <summary>The bytes the reader of the current <see cref="Parse{T}"/> call runs over, for slicing raw values out.</summary>
    public ReadOnlySpan<byte> Window => buffer.AsSpan(start, end - start);

    /// <summary>Goes back to the start of the file, for a second pass.</summary>
    public void Rewind()
    {
        stream.Position = 0;
        start = end = 0;
        endOfFile = false;
        bufferOffset = 0;
        linesBeforeStart = 0;
        state = new JsonReaderState(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 });
        Fill();
        // Utf8JsonReader does not skip a byte order mark; editors on Windows like to write one.
        if (Window.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) start = 3;
    }

    /// <summary>Runs <paramref name="parser"/> over the buffered bytes until it completes, refilling when it runs out.</summary>
    /// <exception cref="JsonFormatError">The JSON is malformed or ends too early.</exception>
    public T Parse<T>(ValueParser<T> parser)
    {
        while (true)
        {
            // Never a final block, even at the end of the file: a value cut by the end then reads as "needs more data",
            // which at the end of the file says "truncated" more clearly than the reader's own complaint.
            var reader = new Utf8JsonReader(Window, isFinalBlock: false, state);
            try
            {
                var value = parser(ref reader);
                Advance(ref reader);
                return value;
            }
            catch (NeedMoreData) when (!endOfFile)
            {
                Fill();
            }
            catch (NeedMoreData)
            {
                throw Error(ref reader, "the file ends in the middle of a value (truncated?)", null);
            }
            catch (JsonException e)
            {
                throw Error(ref reader, CleanMessage(e), e);
            }
        }
    }

    /// <summary>Skips the next value token by token, so that a value of any size (a features array) passes in flat memory.</summary>
    /// <returns>How many members or elements the value had, so that an error in it can say which one.</returns>
    public long SkipValue() => SkipValue(out _);

    private long SkipValue(out long children)
    {
        var depth = 0;
        children = 0;
        while (true)
        {
            var reader = new Utf8JsonReader(Window, isFinalBlock: false, state);
            var done = false;
            try
            {
                while (!done && reader.Read())
                {
                    if (depth == 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
                        children++;
                    if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) depth++;
                    else if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray) depth--;
                    // A property name is followed by its value, so it never completes one.
                    done = depth == 0 && reader.TokenType != JsonTokenType.PropertyName;
                }
            }
            catch (JsonException e)
            {
                throw Error(ref reader, CleanMessage(e), e, children);
            }
            Advance(ref reader);
            if (done) return children;
            if (endOfFile) throw Error(ref reader, "the file ends in the middle of a value (truncated?)", null, children);
            Fill();
        }
    }

    public void Dispose() => stream.Dispose();

    private void Advance(ref Utf8JsonReader reader)
    {
        var consumed = (int)reader.BytesConsumed;
        linesBeforeStart += buffer.AsSpan(start, consumed).Count((byte)'\n');
        start += consumed;
        state = reader.CurrentState;
    }

    private void Fill()
    {
        if (start > 0)
        {
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            bufferOffset += start;
            end -= start;
            start = 0;
        }
        if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        while (end < buffer.Length)
        {
            var read = stream.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                endOfFile = true;
                break;
            }
            end += read;
        }
    }

    private JsonFormatError Error(ref Utf8JsonReader reader, string message, JsonException? inner, long children = 0)
    {
        var offset = Position + reader.BytesConsumed;
        // The reader's state carries its line count from window to window; without an exception, count them here.
        var line = 1 + (inner?.LineNumber ?? linesBeforeStart + buffer.AsSpan(start, (int)reader.BytesConsumed).Count((byte)'\n'));
        return new JsonFormatError(message, offset, line, inner) { Child = children };
    }

    /// <summary>The reader's message without its window-relative position, which would mislead.</summary>
    private static string CleanMessage(JsonException e)
    {
        var cut = e.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? e.Message[..cut] : e.Message;
    }

    /// <summary>Thrown by a parser when the value it reads is cut by the end of the window.</summary>
    public sealed class NeedMoreData : Exception
    {
        public static readonly NeedMoreData Instance = new();
    }
}

/// <summary>Malformed JSON, with where in the file it was found.</summary>
internal sealed class JsonFormatError(string message, long byteOffset, long line, Exception? inner)
    : Exception(message, inner)
{
    public long ByteOffset { get; } = byteOffset;

    public long Line { get; } = line;

    /// <summary>While skipping a value: the 1-based member or element of it that holds the error.</summary>
    public long Child { get; init; }
}

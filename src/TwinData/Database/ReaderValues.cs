using System.Data.Common;

namespace DigitalTwin.Data.Database;

/// <summary>Reading a row's values where the reader has no word for it.</summary>
public static class ReaderValues
{
    /// <summary>The column's text, or null where it is SQL NULL (<c>GetString</c> throws there).</summary>
    public static string? GetStringOrNull(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}

using System.Globalization;
using System.Text;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// Text encodings as GIS files name them: .cpg contents (<c>UTF-8</c>, <c>1252</c>, <c>ANSI 1250</c>, <c>88591</c>),
/// the dBase language-driver byte, and the names users pass with --encoding.
/// </summary>
internal static class CodePages
{
    /// <summary>What a shapefile without .cpg or language driver is in: ArcGIS and QGIS on Windows write ANSI (1252) by default.</summary>
    public static Encoding Fallback => Get(1252);

    static CodePages() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Reads an encoding name; null when it names none.</summary>
    public static Encoding? TryParse(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var text = name.Trim();
        var key = new string(text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        if (key is "utf8" or "65001" or "unicode") return new UTF8Encoding(false);
        if (key is "latin1" or "88591" or "iso88591") return Get(28591);
        if (key.StartsWith("iso8859", StringComparison.Ordinal) && int.TryParse(key[7..], out var part) && part is > 0 and < 16)
            return Get(28590 + part);
        if (key.StartsWith("8859", StringComparison.Ordinal) && int.TryParse(key[4..], out part) && part is > 0 and < 16)
            return Get(28590 + part);

        // 1252, CP1252, ANSI 1250, windows-1252, OEM 850: a code page number after an optional word.
        foreach (var prefix in new[] { "", "cp", "ansi", "windows", "win", "oem", "ibm", "dos" })
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(key.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var codePage)
                && TryGet(codePage) is { } byNumber)
            {
                return byNumber;
            }
        }
        try
        {
            return Encoding.GetEncoding(text);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// The code page a dBase file declares in its language-driver byte (offset 29); null for 0, which declares none.
    /// Values from the dBase and ESRI tables, as GDAL reads them.
    /// </summary>
    public static Encoding? FromLanguageDriver(byte id) => id switch
    {
        0x01 or 0x09 or 0x0B or 0x0D or 0x0F or 0x11 or 0x15 or 0x18 or 0x19 or 0x1B => Get(437),
        0x02 or 0x0A or 0x0E or 0x10 or 0x12 or 0x14 or 0x16 or 0x1A or 0x1D or 0x25 or 0x37 => Get(850),
        0x03 or 0x57 or 0x58 or 0x59 => Get(1252),
        0x04 => Get(10000),
        0x08 or 0x17 or 0x66 => Get(865),
        0x13 or 0x7B => Get(932),
        0x1C => Get(863),
        0x1F or 0x22 or 0x23 or 0x40 or 0x64 or 0x87 => Get(852),
        0x24 => Get(860),
        0x26 or 0x65 => Get(866),
        0x4D or 0x7A => Get(936),
        0x4E or 0x79 => Get(949),
        0x4F or 0x78 => Get(950),
        0x50 or 0x7C => Get(874),
        0x67 => Get(861),
        0x6A or 0x86 => Get(737),
        0x6B or 0x88 => Get(857),
        0x96 => Get(10007),
        0x97 => Get(10029),
        0xC8 => Get(1250),
        0xC9 => Get(1251),
        0xCA => Get(1254),
        0xCB => Get(1253),
        0xCC => Get(1257),
        _ => null,
    };

    private static Encoding Get(int codePage) => Encoding.GetEncoding(codePage);

    private static Encoding? TryGet(int codePage)
    {
        try
        {
            return codePage == 65001 ? new UTF8Encoding(false) : Encoding.GetEncoding(codePage);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}

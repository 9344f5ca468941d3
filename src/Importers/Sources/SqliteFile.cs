using System.Buffers.Binary;
using System.Text;

namespace DigitalTwin.Importers.Sources;

/// <summary>
/// A read-only reader of SQLite database files, enough for GeoPackage: the schema, and the rows of a rowid table
/// streamed in rowid order straight from its b-tree pages.
/// </summary>
/// <remarks>
/// GeoPackage is SQLite, but neither NetTopologySuite.IO.GeoPackage nor anything else referenced here brings an SQLite
/// engine. Reading the documented file format (sqlite.org/fileformat2.html) needs only table b-trees, overflow pages and
/// the record format, streams with one page per b-tree level in memory, and has no native library to ship.
/// Not read: changes still in a -wal file (refused, with a hint), WITHOUT ROWID tables (GeoPackage does not use them).
/// </remarks>
internal sealed class SqliteFile : IDisposable
{
    private static readonly byte[] Magic = "SQLite format 3\0"u8.ToArray();

    private readonly string path;
    private readonly FileStream stream;
    private readonly int usableSize;
    private readonly Encoding textEncoding;
    private List<SchemaEntry>? schema;

    public SqliteFile(string path)
    {
        this.path = path;
        var wal = path + "-wal";
        if (File.Exists(wal) && new FileInfo(wal).Length > 0)
            throw new SourceFormatException($"{path}: has changes not yet written into it ({Path.GetFileName(wal)}); close the program that has it open, or open and close it once in QGIS or sqlite3.");
        stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.RandomAccess);
        try
        {
            Span<byte> header = stackalloc byte[100];
            if (stream.ReadAtLeast(header, 100, throwOnEndOfStream: false) < 100 || !header[..16].SequenceEqual(Magic))
                throw new SourceFormatException($"{path}: not an SQLite database, so not a GeoPackage.");
            var size = BinaryPrimitives.ReadUInt16BigEndian(header[16..]);
            PageSize = size == 1 ? 65536 : size;
            usableSize = PageSize - header[20];
            ApplicationId = BinaryPrimitives.ReadUInt32BigEndian(header[68..]);
            textEncoding = BinaryPrimitives.ReadUInt32BigEndian(header[56..]) switch
            {
                2 => Encoding.Unicode,
                3 => Encoding.BigEndianUnicode,
                _ => Encoding.UTF8,
            };
            if (PageSize < 512 || (PageSize & (PageSize - 1)) != 0)
                throw new SourceFormatException($"{path}: the SQLite header is corrupt (page size {PageSize}).");
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public int PageSize { get; }

    /// <summary>The application id in the header: 0x47504B47 ("GPKG") for GeoPackage 1.2 and later.</summary>
    public uint ApplicationId { get; }

    /// <summary>The tables, indexes, views and triggers of sqlite_schema.</summary>
    public IReadOnlyList<SchemaEntry> Schema => schema ??= ReadSchema();

    public SchemaEntry? Table(string name) =>
        Schema.FirstOrDefault(e => e.Type == "table" && e.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Rows of a small table as column name → value, for metadata tables.</summary>
    public IEnumerable<Dictionary<string, object?>> Rows(SchemaEntry table)
    {
        var columns = table.Columns;
        var cursor = new TableCursor(this, table);
        while (cursor.MoveNext())
        {
            var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            for (var i = 0; i < columns.Count; i++) row[columns[i].Name] = cursor.Value(i);
            yield return row;
        }
    }

    public void Dispose() => stream.Dispose();

    private List<SchemaEntry> ReadSchema()
    {
        var entries = new List<SchemaEntry>();
        var cursor = new TableCursor(this, new SchemaEntry("table", "sqlite_schema", "sqlite_schema", 1, null));
        while (cursor.MoveNext())
        {
            // sqlite_schema(type, name, tbl_name, rootpage, sql)
            var rootPage = cursor.RawValue(3) is long r ? (int)r : 0;
            entries.Add(new SchemaEntry(cursor.RawValue(0) as string ?? "", cursor.RawValue(1) as string ?? "", cursor.RawValue(2) as string ?? "", rootPage, cursor.RawValue(4) as string));
        }
        return entries;
    }

    private byte[] ReadPage(int number, byte[]? into = null)
    {
        if (number < 1 || (long)(number - 1) * PageSize >= stream.Length)
            throw new SourceFormatException($"{path}: the database is corrupt or cut short (page {number} is past its end).");
        var page = into ?? new byte[PageSize];
        stream.Position = (long)(number - 1) * PageSize;
        stream.ReadExactly(page, 0, PageSize);
        return page;
    }

    private static long ReadVarint(ReadOnlySpan<byte> data, ref int offset)
    {
        long value = 0;
        for (var i = 0; i < 8; i++)
        {
            var b = data[offset++];
            value = (value << 7) | (long)(b & 0x7F);
            if ((b & 0x80) == 0) return value;
        }
        return (value << 8) | data[offset++];
    }

    /// <summary>One entry of sqlite_schema.</summary>
    internal sealed record SchemaEntry(string Type, string Name, string TableName, int RootPage, string? Sql)
    {
        private IReadOnlyList<SqliteColumn>? columns;

        /// <summary>The columns, from the CREATE TABLE statement.</summary>
        public IReadOnlyList<SqliteColumn> Columns => columns ??= Name == "sqlite_schema" ? [] : SqliteColumn.Parse(Sql ?? "");
    }

    /// <summary>
    /// Walks a table b-tree depth first, keeping one page per level: rows come in rowid order, memory stays flat.
    /// </summary>
    internal sealed class TableCursor
    {
        private readonly SqliteFile file;
        private readonly SchemaEntry table;
        private readonly Stack<Level> levels = new();
        private readonly int rowIdAlias;
        private byte[] payload = new byte[256];
        private readonly List<(long SerialType, int Offset)> fields = [];

        public TableCursor(SqliteFile file, SchemaEntry table)
        {
            this.file = file;
            this.table = table;
            rowIdAlias = table.Columns.ToList().FindIndex(c => c.IsRowIdAlias);
            if (table.Sql is { } sql && sql.Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase))
                throw new SourceFormatException($"{file.path}: table {table.Name} is a WITHOUT ROWID table, which this reader does not read.");
            Push(table.RootPage);
        }

        public long RowId { get; private set; }

        /// <summary>How far through the table's leaves the cursor is, 0..1, estimated from the position in each level.</summary>
        public double Progress
        {
            get
            {
                if (levels.Count == 0) return 1;
                double progress = 0, share = 1;
                foreach (var level in levels.Reverse())
                {
                    var count = level.Leaf ? level.Cells : level.Cells + 1;
                    if (count == 0) break;
                    progress += share * Math.Max(0, level.Index - (level.Leaf ? 0 : 1)) / count;
                    share /= count;
                }
                return Math.Clamp(progress, 0, 1);
            }
        }

        public bool MoveNext()
        {
            while (levels.Count > 0)
            {
                var level = levels.Peek();
                if (level.Leaf)
                {
                    if (level.Index < level.Cells)
                    {
                        ReadLeafCell(level, level.Index++);
                        return true;
                    }
                    levels.Pop();
                    continue;
                }
                // An interior page: the left child of each cell, then the right-most child.
                if (level.Index < level.Cells)
                {
                    var cell = level.CellOffset(level.Index++);
                    Push((int)BinaryPrimitives.ReadUInt32BigEndian(level.Page.AsSpan(cell)));
                }
                else if (level.Index == level.Cells)
                {
                    level.Index++;
                    Push((int)BinaryPrimitives.ReadUInt32BigEndian(level.Page.AsSpan(level.HeaderOffset + 8)));
                }
                else
                {
                    levels.Pop();
                }
            }
            return false;
        }

        /// <summary>The value of a column as a .NET value (long, double, string, byte[] or null); the rowid for INTEGER PRIMARY KEY.</summary>
        public object? Value(int column) => column == rowIdAlias ? RowId : RawValue(column);

        /// <summary>The value as stored in the record; columns added by ALTER TABLE after a row was written read as null.</summary>
        public object? RawValue(int column)
        {
            if (column >= fields.Count) return null;
            var (type, offset) = fields[column];
            var data = payload.AsSpan(offset);
            return type switch
            {
                0 => null,
                1 => (long)(sbyte)data[0],
                2 => (long)BinaryPrimitives.ReadInt16BigEndian(data),
                3 => (long)((sbyte)data[0] << 16 | data[1] << 8 | data[2]),
                4 => (long)BinaryPrimitives.ReadInt32BigEndian(data),
                5 => (long)(short)BinaryPrimitives.ReadUInt16BigEndian(data) << 32 | BinaryPrimitives.ReadUInt32BigEndian(data[2..]),
                6 => BinaryPrimitives.ReadInt64BigEndian(data),
                7 => BinaryPrimitives.ReadDoubleBigEndian(data),
                8 => 0L,
                9 => 1L,
                >= 12 when type % 2 == 0 => data[..(int)((type - 12) / 2)].ToArray(),
                >= 13 => file.textEncoding.GetString(data[..(int)((type - 13) / 2)]),
                _ => throw new SourceFormatException($"{file.path}: table {table.Name}, row {RowId}: corrupt record (serial type {type})."),
            };
        }

        private void Push(int pageNumber)
        {
            if (levels.Count > 40) throw new SourceFormatException($"{file.path}: table {table.Name}: the b-tree is corrupt (too deep).");
            var page = file.ReadPage(pageNumber);
            var headerOffset = pageNumber == 1 ? 100 : 0;
            var kind = page[headerOffset];
            if (kind is not (0x0D or 0x05))
                throw new SourceFormatException($"{file.path}: table {table.Name}: page {pageNumber} is not a table b-tree page (type {kind}); the file is corrupt.");
            levels.Push(new Level(page, headerOffset, kind == 0x0D, BinaryPrimitives.ReadUInt16BigEndian(page.AsSpan(headerOffset + 3))));
        }

        private void ReadLeafCell(Level level, int index)
        {
            var page = level.Page;
            var offset = level.CellOffset(index);
            var payloadSize = ReadVarint(page, ref offset);
            RowId = ReadVarint(page, ref offset);
            if (payloadSize > int.MaxValue / 2)
                throw new SourceFormatException($"{file.path}: table {table.Name}, row {RowId}: corrupt record size {payloadSize}.");
            var size = (int)payloadSize;
            if (payload.Length < size) payload = new byte[Math.Max(size, payload.Length * 2)];

            // How much of the payload sits on the leaf page; the rest follows in a chain of overflow pages.
            var u = file.usableSize;
            var maxLocal = u - 35;
            var local = size;
            if (size > maxLocal)
            {
                var minLocal = (u - 12) * 32 / 255 - 23;
                var k = minLocal + (size - minLocal) % (u - 4);
                local = k <= maxLocal ? k : minLocal;
            }
            page.AsSpan(offset, local).CopyTo(payload);
            var copied = local;
            if (copied < size)
            {
                var next = (int)BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(offset + local));
                var overflow = new byte[file.PageSize];
                while (copied < size)
                {
                    if (next == 0) throw new SourceFormatException($"{file.path}: table {table.Name}, row {RowId}: the overflow chain ends early; the file is corrupt.");
                    file.ReadPage(next, overflow);
                    next = (int)BinaryPrimitives.ReadUInt32BigEndian(overflow);
                    var chunk = Math.Min(size - copied, u - 4);
                    overflow.AsSpan(4, chunk).CopyTo(payload.AsSpan(copied));
                    copied += chunk;
                }
            }

            // The record: a header of serial types, then the values in the same order.
            fields.Clear();
            var data = payload.AsSpan(0, size);
            var position = 0;
            var headerSize = (int)ReadVarint(data, ref position);
            var valueOffset = headerSize;
            while (position < headerSize)
            {
                var type = ReadVarint(data, ref position);
                fields.Add((type, valueOffset));
                valueOffset += type switch
                {
                    0 or 8 or 9 or 10 or 11 => 0,
                    1 => 1,
                    2 => 2,
                    3 => 3,
                    4 => 4,
                    5 => 6,
                    6 or 7 => 8,
                    _ => (int)((type - 12) / 2),
                };
            }
            if (valueOffset > size) throw new SourceFormatException($"{file.path}: table {table.Name}, row {RowId}: corrupt record.");
        }

        /// <summary>One b-tree page on the path from the root to the current row.</summary>
        private sealed class Level(byte[] page, int headerOffset, bool leaf, int cells)
        {
            public byte[] Page { get; } = page;

            public int HeaderOffset { get; } = headerOffset;

            public bool Leaf { get; } = leaf;

            public int Cells { get; } = cells;

            public int Index { get; set; }

            public int CellOffset(int index) =>
                BinaryPrimitives.ReadUInt16BigEndian(Page.AsSpan(HeaderOffset + (Leaf ? 8 : 12) + 2 * index));
        }
    }
}

/// <summary>A column as its CREATE TABLE statement declares it.</summary>
internal sealed record SqliteColumn(string Name, string DeclaredType, bool IsRowIdAlias)
{
    private static readonly string[] ConstraintWords = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

    /// <summary>
    /// The columns of <c>CREATE TABLE name (column type constraints, ..., table constraints)</c>. A column declared
    /// INTEGER PRIMARY KEY is the rowid itself and is stored as null in each record.
    /// </summary>
    public static IReadOnlyList<SqliteColumn> Parse(string sql)
    {
        var open = sql.IndexOf('(');
        if (open < 0) return [];
        var parts = SplitTopLevel(sql, open + 1);
        var columns = new List<SqliteColumn>();
        string? tablePrimaryKey = null;
        foreach (var part in parts)
        {
            var tokens = Tokens(part);
            if (tokens.Count == 0) continue;
            var first = tokens[0].ToUpperInvariant();
            if (!tokens[0].StartsWith('\u0001') && ConstraintWords.Contains(first))
            {
                // PRIMARY KEY (fid) as a table constraint makes fid the rowid alias too, when it is declared INTEGER.
                var primary = tokens.FindIndex(t => t.Equals("PRIMARY", StringComparison.OrdinalIgnoreCase));
                if (primary >= 0 && tokens.Count > primary + 4 && tokens[primary + 2] == "(" && tokens[primary + 4] == ")")
                    tablePrimaryKey = Unquote(tokens[primary + 3]);
                continue;
            }
            var name = Unquote(tokens[0]);
            var typeWords = tokens.Skip(1).TakeWhile(t => !ConstraintWords.Contains(t.ToUpperInvariant()) && t is not ("NOT" or "not" or "NULL" or "null" or "DEFAULT" or "default" or "REFERENCES" or "references" or "COLLATE" or "collate" or "GENERATED" or "AS" or "(")).ToList();
            var type = string.Join(' ', typeWords).ToUpperInvariant();
            var rest = string.Join(' ', tokens.Skip(1 + typeWords.Count)).ToUpperInvariant();
            var isAlias = type == "INTEGER" && rest.Contains("PRIMARY KEY", StringComparison.Ordinal) && !rest.Contains("PRIMARY KEY DESC", StringComparison.Ordinal);
            columns.Add(new SqliteColumn(name, type, isAlias));
        }
        if (tablePrimaryKey is not null)
        {
            var index = columns.FindIndex(c => c.Name.Equals(tablePrimaryKey, StringComparison.OrdinalIgnoreCase) && c.DeclaredType == "INTEGER");
            if (index >= 0) columns[index] = columns[index] with { IsRowIdAlias = true };
        }
        return columns;
    }

    /// <summary>The comma-separated parts of the parenthesised list that starts at <paramref name="start"/>.</summary>
    private static List<string> SplitTopLevel(string sql, int start)
    {
        var parts = new List<string>();
        var depth = 0;
        var from = start;
        for (var i = start; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c is '"' or '\'' or '`' or '[')
            {
                var close = c == '[' ? ']' : c;
                i++;
                while (i < sql.Length && sql[i] != close) i++;
            }
            else if (c == '(') depth++;
            else if (c == ')')
            {
                if (depth == 0)
                {
                    parts.Add(sql[from..i]);
                    return parts;
                }
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                parts.Add(sql[from..i]);
                from = i + 1;
            }
        }
        parts.Add(sql[from..]);
        return parts;
    }

    /// <summary>Words, quoted identifiers (marked with \u0001 so they are never keywords) and single punctuation.</summary>
    private static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c)) continue;
            if (c is '"' or '`' or '[' or '\'')
            {
                var close = c == '[' ? ']' : c;
                var builder = new StringBuilder("\u0001");
                for (i++; i < text.Length; i++)
                {
                    if (text[i] == close)
                    {
                        if (close != ']' && i + 1 < text.Length && text[i + 1] == close)
                        {
                            builder.Append(close);
                            i++;
                            continue;
                        }
                        break;
                    }
                    builder.Append(text[i]);
                }
                tokens.Add(builder.ToString());
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or '+')
            {
                var from = i;
                while (i + 1 < text.Length && (char.IsLetterOrDigit(text[i + 1]) || text[i + 1] is '_' or '.' or '-' or '+')) i++;
                tokens.Add(text[from..(i + 1)]);
            }
            else
            {
                tokens.Add(c.ToString());
            }
        }
        return tokens;
    }

    private static string Unquote(string token) => token.StartsWith('\u0001') ? token[1..] : token;
}

using System.Buffers.Text;
using System.Globalization;
using System.Text;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Ogc;

/// <summary>A bbox as west, south, east, north in its CRS's units (already put in east-first order), and the CRS.</summary>
internal sealed record OgcBbox(double West, double South, double East, double North, OgcCrs Crs);

/// <summary>
/// The query of <c>/ogc/collections/{layer}/items</c> (and of one item), read and checked: every parameter the API
/// definition (openapi.json) lists, nothing else (OGC API answers an unknown parameter with 400), each at most once.
/// </summary>
internal sealed record ItemsQuery(
    int Limit, OgcBbox? Bbox, OgcCrs Crs, OgcDatetime? Datetime, string? After, string? Before, IReadOnlyDictionary<string, string> Equal)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 10_000;

    /// <summary>The properties a list can be filtered by, equal to a value (OGC API Features Core, /req/core/fc-filters).</summary>
    public static IReadOnlyList<string> FilterProperties { get; } = ["kind", "type", "name", "address", "owner", "manager"];

    private static readonly string[] ItemsParameters = ["f", "limit", "bbox", "bbox-crs", "crs", "datetime", "after", "before", .. FilterProperties];
    private static readonly string[] ItemParameters = ["f", "crs", "datetime"];

    /// <summary>Reads the query of a list of items.</summary>
    public static ItemsQuery ForItems(IQueryCollection query, TimeProvider time)
    {
        OgcEndpoints.CheckParameters(query, ItemsParameters);
        var limit = DefaultLimit;
        if (One(query, "limit") is { } limitText &&
            (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw new TwinException(ErrorCodes.BadLimit, $"limit must be a whole number from 1 to {MaxLimit}; it was '{limitText}'.");
        }
        var bboxCrs = CrsOf(query, "bbox-crs") ?? OgcCrs.Crs84;
        var bbox = One(query, "bbox") is { } box ? Box(box, bboxCrs) : null;
        if (bbox is null && query.ContainsKey("bbox-crs")) throw new TwinException(ErrorCodes.BadBbox, "bbox-crs names the CRS of a bbox; there is no bbox.");
        var equal = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in FilterProperties)
        {
            if (One(query, property) is { } value) equal[property] = value;
        }
        var after = Cursor(query, "after");
        var before = Cursor(query, "before");
        if (after is not null && before is not null) throw new TwinException(ErrorCodes.BadCursor, "Give after or before, not both: follow a next or a prev link.");
        return new ItemsQuery(limit, bbox, CrsOf(query, "crs") ?? OgcCrs.Crs84, DatetimeOf(query, time), after, before, equal);
    }

    /// <summary>Reads the query of one item: its CRS and the moment whose layer version answers.</summary>
    public static ItemsQuery ForItem(IQueryCollection query, TimeProvider time)
    {
        OgcEndpoints.CheckParameters(query, ItemParameters);
        return new ItemsQuery(1, null, CrsOf(query, "crs") ?? OgcCrs.Crs84, DatetimeOf(query, time), null, null, new Dictionary<string, string>());
    }

    /// <summary>The cursor of a next (after) or prev (before) link: the source id of the page's last or first feature.</summary>
    public static string CursorOf(string sourceId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sourceId));

    private static string? One(IQueryCollection query, string name) => query.TryGetValue(name, out var values) ? values[0] : null;

    private static OgcDatetime? DatetimeOf(IQueryCollection query, TimeProvider time) => One(query, "datetime") is { } text ? OgcDatetime.Parse(text, time) : null;

    private static OgcCrs? CrsOf(IQueryCollection query, string name)
    {
        if (One(query, name) is not { } text) return null;
        return OgcCrs.Find(text) ?? throw new TwinException(ErrorCodes.BadCrs,
            $"{name} '{text}' is not a CRS served here; /ogc/collections/{{layer}} lists them (e.g. {OgcCrs.Crs84Uri} or http://www.opengis.net/def/crs/EPSG/0/3879).");
    }

    private static string? Cursor(IQueryCollection query, string name)
    {
        if (One(query, name) is not { } token) return null;
        try
        {
            var id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
            if (id.Length > 0 && TextRules.IsClean(id)) return id;
        }
        catch (FormatException)
        {
        }
        throw new TwinException(ErrorCodes.BadCursor, $"{name} is not a cursor of this list; follow the next or prev link of a page.");
    }

    /// <summary>
    /// Reads a bbox: four numbers (six, with heights, which are ignored) in the axis order of its CRS (CRS84: west,
    /// south, east, north; EPSG:4326: south, west, north, east), each corner's first value not above the second's.
    /// </summary>
    private static OgcBbox Box(string text, OgcCrs crs)
    {
        var parts = text.Split(',');
        var numbers = new double[parts.Length];
        var read = parts.Length is 4 or 6;
        for (var i = 0; read && i < parts.Length; i++)
        {
            read = double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out numbers[i]) && double.IsFinite(numbers[i]) && Math.Abs(numbers[i]) < 1e9;
        }
        var order = crs.NorthingFirst ? "north, east" : "east, north";
        if (!read) throw new TwinException(ErrorCodes.BadBbox, $"bbox must be four numbers, the lower and the upper corner ({order} each) in {crs.Uri}; it was '{text}'.");
        var half = parts.Length / 2;
        var (a1, a2, b1, b2) = (numbers[0], numbers[1], numbers[half], numbers[half + 1]);
        if (a1 > b1 || a2 > b2)
            throw new TwinException(ErrorCodes.BadBbox, $"bbox '{text}' has its lower corner above its upper one ({order} each, in {crs.Uri}); a box across the antimeridian is not served.");
        var (west, south, east, north) = crs.NorthingFirst ? (a2, a1, b2, b1) : (a1, a2, b1, b2);
        if (crs.Geographic && (west < -180 || east > 180 || south < -90 || north > 90))
            throw new TwinException(ErrorCodes.BadBbox, $"bbox '{text}' is not within longitude -180 to 180 and latitude -90 to 90 ({order}).");
        return new OgcBbox(west, south, east, north, crs);
    }
}

using System.Globalization;
using DigitalTwin.Server.Errors;

namespace DigitalTwin.Server.Ogc;

/// <summary>
/// The <c>datetime</c> parameter of OGC API Features: an instant, or an interval of two with <c>..</c> (or nothing)
/// for an open end; an RFC 3339 date-time, or a date that stands for its whole day (UTC). It chooses two things:
/// the layer version that answers, the one that served at <see cref="Moment"/> (the end of an interval; a date's end
/// of day, as every past date is answered in the product), and the features whose validity touches the days from
/// <see cref="FirstDay"/> to <see cref="LastDay"/>.
/// </summary>
internal sealed record OgcDatetime(DateTimeOffset Moment, DateOnly? FirstDay, DateOnly? LastDay)
{
    /// <summary>Reads the parameter; null moment bounds are clamped to now, so an open end asks the serving version.</summary>
    public static OgcDatetime Parse(string text, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var parts = text.Split('/');
        if (parts.Length == 1)
        {
            var (start, end, isDate) = Instant(parts[0]);
            var day = DateOnly.FromDateTime(start.UtcDateTime);
            return new OgcDatetime(isDate ? Min(end.AddTicks(-1), now) : start, day, day);
        }
        if (parts.Length != 2) throw Refused(text);
        DateTimeOffset? from = Open(parts[0]) ? null : Instant(parts[0]).Start;
        DateTimeOffset? to = null;
        if (!Open(parts[1]))
        {
            var (_, end, isDate) = Instant(parts[1]);
            to = isDate ? end.AddTicks(-1) : end;
        }
        if (from > to) throw new TwinException(ErrorCodes.BadDatetime, $"datetime '{text}' ends before it begins.");
        return new OgcDatetime(to is { } last ? Min(last, now) : now,
            from is { } f ? DateOnly.FromDateTime(f.UtcDateTime) : null,
            to is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null);
    }

    private static bool Open(string part) => part is "" or "..";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>A date-time (one instant), or a date (from its start to the start of the next day).</summary>
    private static (DateTimeOffset Start, DateTimeOffset End, bool IsDate) Instant(string part)
    {
        if (part.Length == 10 && DateOnly.TryParseExact(part, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) && InRange(date.Year))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return (start, start.AddDays(1), true);
        }
        // RFC 3339 requires a zone (Z or an offset) and a T (or a space) between date and time.
        if (part.Length >= 20 && part[10] is 'T' or 't' && (part.EndsWith('Z') || part.EndsWith('z') || part[^6] is '+' or '-')
            && DateTimeOffset.TryParse(part, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal, out var instant) && InRange(instant.Year))
        {
            return (instant, instant, false);
        }
        throw Refused(part);
    }

    private static bool InRange(int year) => year is >= 1900 and <= 2200;

    private static TwinException Refused(string text) => new(ErrorCodes.BadDatetime,
        $"datetime '{text}' is not an RFC 3339 date-time (2024-05-01T12:00:00Z), a date (2024-05-01), or an interval of two " +
        "('2024-01-01/2024-06-30', '../2024-06-30', '2024-01-01/..'), between the years 1900 and 2200.");
}

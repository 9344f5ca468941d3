using System.Globalization;
using DigitalTwin.Ui.Backend;
using DigitalTwin.Ui.Localization;

namespace DigitalTwin.Ui.Components.Cases;

/// <summary>
/// What every part of the handler's desk reads the same way: the interface's words, organisation and task names in
/// its language, and times in the city's time zone (where the handler sits, whatever the server's clock says).
/// </summary>
public sealed record DeskContext(Texts T, IReadOnlyDictionary<string, UiOrganisation> Organisations, IReadOnlyList<UiTaskType> TaskTypes, TimeZoneInfo Zone)
{
    public string Organisation(string? key) =>
        key is null ? T["none"] : Organisations.TryGetValue(key, out var o) ? o.Name.In(T.Language) ?? key : key;

    /// <summary>The clock the desk reads ages and due times from.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public DateTimeOffset Now => Clock.GetUtcNow();

    public string TaskName(string code) => TaskTypes.FirstOrDefault(t => t.Code == code)?.Name.In(T.Language) ?? code;

    /// <summary>The time of day, e.g. of a delivery's next try.</summary>
    public string Time(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>A date and time in the city's time zone, as the language writes it (6.12.2026 10.40.05 in Finnish), e.g. of an event on a case's history.</summary>
    public string When(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, Zone);
        return T.Date(DateOnly.FromDateTime(local.DateTime)) + " " + local.ToString(T.Language == "fi" ? "HH.mm.ss" : "HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A case that the handler routes: not yet forwarded, or sent back.</summary>
    public static bool Routable(UiCase c) => c.Status is "received" or "assigned" or "rejected";

    /// <summary>A forward whose delivery has not arrived and has failed at least once (or for good).</summary>
    public static bool Failing(UiCase c) =>
        c.Status == "forwarded" && (c.DeliveryState == "dead" || c is { DeliveryState: "pending", DeliveryAttempts: > 0 });

    /// <summary>The zone by its IANA name; UTC when the machine does not know it.</summary>
    public static TimeZoneInfo ZoneOf(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}

/// <summary>
/// What the responsibility panel shows while a case is selected but the handler looks elsewhere (another object or
/// point): the place a "Route to the clicked object" would give the case, as the panel names it.
/// </summary>
public sealed record BrowsedSpot(double? Lon, double? Lat, string? ObjectId, string Label);

/// <summary>Where a new case is taken in: a point (WGS84) and the object there, as the panel names them.</summary>
public sealed record NewCasePlace(double Lon, double Lat, string? ObjectId, string Label, string? Address);

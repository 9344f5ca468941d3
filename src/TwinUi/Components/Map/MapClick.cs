namespace DigitalTwin.Ui.Components.Map;

/// <summary>A click on the map: the point in WGS84, and the most specific object under the cursor, if any.</summary>
public sealed record MapClick(double Lon, double Lat, string? ObjectId);

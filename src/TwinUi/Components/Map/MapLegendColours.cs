namespace DigitalTwin.Ui.Components.Map;

/// <summary>
/// The colours the map draws with (MapView.js's <c>legend()</c>, where they are set), for the legend: by
/// infrastructure type, case status, basemap class, and by contractor for the contract areas in view. The kinds'
/// swatches are the layer list's (twin.css <c>.kind-*</c>).
/// </summary>
public sealed record MapLegendColours(
    IReadOnlyDictionary<string, string> Types,
    IReadOnlyDictionary<string, string> Cases,
    IReadOnlyDictionary<string, string> Basemap,
    IReadOnlyDictionary<string, string> Contractors);

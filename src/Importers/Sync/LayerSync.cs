using DigitalTwin.Importers.Pipeline;

namespace DigitalTwin.Importers.Sync;

/// <summary>A layer kept in step with a service: what to read, how to map it, and how often (a row of layer_syncs).</summary>
/// <param name="Layer">The layer it loads.</param>
/// <param name="Kind">What the layer holds.</param>
/// <param name="Url">The service, with GDAL's prefix (WFS:https://..., OAPIF:https://...).</param>
/// <param name="SourceLayer">The WFS type name or OGC API collection, for a service with more than one.</param>
/// <param name="MappingJson">The mapping file's content as JSON, or null for the conventional names.</param>
/// <param name="Crs">The CRS to read it in when the service says none or a wrong one.</param>
/// <param name="Every">How often it runs when ./twin sync loops; null: at every round.</param>
internal sealed record LayerSync(string Layer, LayerKind Kind, string Url, string? SourceLayer, string? MappingJson, string? Crs, TimeSpan? Every)
{
    /// <summary>What the layer's versions are read with besides the data, so that a changed mapping is a change too.</summary>
    public string Fingerprint => $"{ImportOptions.KindName(Kind)}\n{SourceLayer}\n{Crs}\n{MappingJson}";
}

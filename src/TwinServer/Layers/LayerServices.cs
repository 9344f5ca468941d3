using DigitalTwin.Ui.Backend;

namespace DigitalTwin.Server.Layers;

/// <summary>Layers' history (differences between versions, roll back) and the layers page's backend.</summary>
internal static class LayerServices
{
    public static IServiceCollection AddTwinLayers(this IServiceCollection services) =>
        services.AddSingleton<LayerHistory>().AddScoped<ILayersBackend, LayersPageBackend>();
}

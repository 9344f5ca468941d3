using DigitalTwin.Ui;
using DigitalTwin.Ui.Backend;
using DigitalTwin.Ui.Components;

namespace DigitalTwin.Server.MapUi;

/// <summary>The handler's map at <c>/</c>: TwinUi's Blazor components (interactive server) on the same origin.</summary>
internal static class MapUiExtensions
{
    public static void AddTwinMapUi(this WebApplicationBuilder builder)
    {
        // Run from the build output (./twin up), TwinUi's files and Blazor's script are found through the static web
        // assets manifest beside the server's dll; ASP.NET reads it only in Development unless told to.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        var settings = builder.Configuration.GetSection("Map").Get<MapSettings>() ?? new MapSettings();
        if (settings.Problems() is { Count: > 0 } problems) throw new Microsoft.Extensions.Options.OptionsValidationException("Map", typeof(MapSettings), problems);
        builder.Services.AddSingleton(settings);
        builder.Services.AddScoped<IMapBackend, MapBackend>();
    }

    public static void MapTwinMapUi(this WebApplication app)
    {
        // TwinUi's files (the map script, the style sheet) under /_content/TwinUi/, and Blazor's own script.
        app.MapStaticAssets();
        // Only people signed in (handlers, GIS staff, admins); anyone else is sent to /signin.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(Access.AccessExtensions.MapPolicy);
    }
}

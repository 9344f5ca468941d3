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
        // A build's manifest (./twin up runs the build output) would switch on the static-assets reloader, which serves
        // every file as it is on disk now: uncompressed (gzip at level "stored": the map's half a megabyte of script as
        // it is) and with no-cache on everything. Off, each file is served as the build left it, with its compressed
        // copy and, at its fingerprinted address, cached for good, as a published server does.
        builder.Configuration["ReloadStaticAssetsAtRuntime"] ??= "false";
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
        // The pages name their icon; a browser showing anything else (a JSON answer, an Open311 list) asks this address.
        app.MapGet("/favicon.ico", () => Results.Redirect(PageIcon.Path, permanent: true)).AllowAnonymous().ExcludeFromDescription();
        // Only people signed in (handlers, GIS staff, admins); anyone else is sent to /signin.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().RequireAuthorization(Access.AccessExtensions.MapPolicy);
        // The layers' boxes (a scan of each serving version, a second for a million parcels) are worked out once the
        // server has started, so that the first handler's map does not wait for them; a database not there yet is
        // no matter: the first map then asks for them itself.
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await app.Services.GetRequiredService<Catalog.LayerExtents>().OfServingAsync(app.Lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
            {
                Log.ExtentsDeferred(app.Logger, e.Message);
            }
        }));
    }
}

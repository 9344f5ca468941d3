using System.Globalization;
using System.Net;
using System.Text;
using DigitalTwin.Server.Catalog;

namespace DigitalTwin.Server.Home;

/// <summary>
/// <c>/</c>: until the map UI lands, a plain page that says what is loaded and where the APIs are, so that a GIS user
/// who has just run <c>./twin up</c> or <c>./twin import</c> sees the result in a browser.
/// </summary>
internal static class HomePage
{
    public static void MapTwinHome(this WebApplication app) => app.MapGet("/", async (CatalogStore catalog, CancellationToken cancellationToken) =>
    {
        var layers = await catalog.LayersAsync(null, cancellationToken);
        var html = new StringBuilder();
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>DigitalTwin</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse}
            th,td{padding:.25rem .75rem;border-bottom:1px solid #ccc;text-align:left}th{background:#f2f2f2}</style></head>
            <body><h1>DigitalTwin</h1>
            <p>Who is responsible for this spot, for this kind of problem, today. APIs: <a href="/graphql">/graphql</a> (GraphQL over HTTP),
            <a href="/health/ready">/health/ready</a>.</p>
            <h2>Loaded layers</h2>
            <table><thead><tr><th>layer</th><th>kind</th><th>version</th><th>objects</th><th>source CRS</th><th>loaded</th><th>source</th></tr></thead><tbody>
            """);
        foreach (var layer in layers)
        {
            var current = layer.Current;
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{E(layer.Name)}</td><td>{E(layer.Kind)}</td><td>{current?.Version}</td><td>{current?.FeatureCount}</td>" +
                $"<td>{E(current?.SourceCrs)}</td><td>{current?.LoadedAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}</td><td>{E(Path.GetFileName(current?.SourceFile))}</td></tr>");
        }
        if (layers.Count == 0) html.Append("<tr><td colspan=\"7\">No layers yet: <code>./twin import FILE --layer NAME --kind KIND</code></td></tr>");
        html.Append("</tbody></table></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    });

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}

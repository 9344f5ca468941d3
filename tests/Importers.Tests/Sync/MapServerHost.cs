using System.Diagnostics;
using System.Net;
using System.Text;
using DigitalTwin.Testing;

namespace DigitalTwin.Importers.Tests.Sync;

/// <summary>
/// A real WFS 2.0 and OGC API Features server for the tests: Debian's MapServer 8 (<c>mapserv</c>, from
/// <c>mapserver-bin</c>) run as a CGI program for each request by a small HTTP host, over a shapefile the test writes
/// and changes. WFS answers at <see cref="WfsUrl"/>, OGC API Features at <see cref="OgcApiUrl"/>; the layer is
/// <c>puistot</c> (EPSG:3879, fields id, nimi, kpl).
/// </summary>
public sealed class MapServerHost : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly string folder = Directory.CreateTempSubdirectory("twin-mapserver-").FullName;
    private readonly Task serving;
    private readonly int port;

    public MapServerHost()
    {
        port = LoopbackPort.Take();
        File.WriteAllText(Path.Combine(folder, "twin.map"), MapFile(folder, port));
        File.WriteAllText(Path.Combine(folder, "mapserver.conf"),
            $"CONFIG\n  ENV\n    MS_MAP_PATTERN \"^{folder}/\"\n  END\n  MAPS\n    \"twin\" \"{folder}/twin.map\"\n  END\nEND\n");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        serving = Task.Run(ServeAsync);
    }

    public string WfsUrl => $"http://127.0.0.1:{port}/wfs?SERVICE=WFS";

    public string OgcApiUrl => $"OAPIF:http://127.0.0.1:{port}/twin/ogcapi";

    /// <summary>The query of every request answered, in order (GDAL pages: several GetFeature requests for one layer).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>Answers 503 to everything while set, as a service that is down.</summary>
    public bool Down { get; set; }

    /// <summary>Where the layer's shapefile goes (puistot.shp in the server's folder).</summary>
    public string ShapefilePath => Path.Combine(folder, "puistot.shp");

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                await AnswerAsync(context);
            }
            catch (HttpListenerException)
            {
                // The client went away.
            }
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Requests.Enqueue(context.Request.Url!.PathAndQuery);
        var response = context.Response;
        if (Down)
        {
            response.StatusCode = 503;
            response.Close();
            return;
        }
        var url = context.Request.Url!;
        var start = new ProcessStartInfo("mapserv") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["MAPSERVER_CONFIG_FILE"] = Path.Combine(folder, "mapserver.conf");
        start.Environment["MS_MAPFILE"] = Path.Combine(folder, "twin.map");
        start.Environment["REQUEST_METHOD"] = "GET";
        start.Environment["QUERY_STRING"] = url.Query.TrimStart('?');
        start.Environment["SERVER_NAME"] = "127.0.0.1";
        start.Environment["SERVER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["HTTP_ACCEPT"] = context.Request.Headers["Accept"] ?? "*/*";
        if (url.AbsolutePath.StartsWith("/twin/ogcapi", StringComparison.Ordinal)) start.Environment["PATH_INFO"] = url.AbsolutePath;
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        await process.StandardOutput.BaseStream.CopyToAsync(output);
        await process.WaitForExitAsync();
        await errors;
        // A CGI answer: headers (Content-Type, Status), a blank line, the body.
        var bytes = output.ToArray();
        var end = IndexOf(bytes, "\r\n\r\n"u8) is var crlf and >= 0 ? (crlf, 4) : (IndexOf(bytes, "\n\n"u8), 2);
        var headerLength = Math.Max(end.Item1, 0);
        foreach (var line in Encoding.ASCII.GetString(bytes, 0, headerLength).Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) continue;
            var (name, value) = (line[..colon].Trim(), line[(colon + 1)..].Trim());
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase)) response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)) response.ContentType = value;
        }
        var body = end.Item1 < 0 ? bytes : bytes[(end.Item1 + end.Item2)..];
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    private static int IndexOf(byte[] haystack, ReadOnlySpan<byte> needle) => haystack.AsSpan().IndexOf(needle);

    private static string MapFile(string folder, int port) => $$"""
        MAP
          NAME "twin"
          EXTENT 25400000 6600000 25600000 6800000
          SHAPEPATH "{{folder}}"
          PROJECTION "init=epsg:3879" END
          WEB
            METADATA
              "ows_title" "twin"
              "wfs_onlineresource" "http://127.0.0.1:{{port}}/wfs?"
              "oga_onlineresource" "http://127.0.0.1:{{port}}/twin/ogcapi"
              "ows_srs" "EPSG:3879"
              "ows_enable_request" "*"
            END
          END
          LAYER
            NAME "puistot"
            TYPE POLYGON
            STATUS ON
            DATA "puistot"
            ENCODING "UTF-8"
            TEMPLATE "none"
            EXTENT 25400000 6600000 25600000 6800000
            PROJECTION "init=epsg:3879" END
            METADATA
              "ows_title" "puistot"
              "gml_include_items" "all"
              "gml_featureid" "id"
              "gml_types" "auto"
              "oga_include_items" "all"
              "oga_geometry_precision" "10"
            END
          END
        END
        """;

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await serving;
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }
}

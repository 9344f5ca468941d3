namespace DigitalTwin.Importers.Sources.Gdal;

/// <summary>
/// A layer service to read features from, through GDAL's WFS and OGC API Features drivers (which page): a URL with
/// GDAL's prefix (<c>WFS:https://...</c>, <c>OAPIF:https://...</c>) or a plain one, taken as WFS when it asks for the
/// WFS service (<c>SERVICE=WFS</c>) or ends in <c>/wfs</c>, and as OGC API Features otherwise (its landing page).
/// Only http and https: no file, ftp or GDAL virtual path comes through here, so that a caller over HTTP cannot make
/// the server read its own files.
/// </summary>
/// <param name="DataSource">What GDAL opens: the URL with its driver's prefix.</param>
/// <param name="Display">The URL as reports and layer versions show it: without a user name or password in it.</param>
/// <param name="Protocol">WFS or OAPIF.</param>
internal sealed record ServiceUrl(string DataSource, string Display, string Protocol)
{
    /// <summary>Whether the text names a service rather than a file: a URL, or GDAL's WFS: or OAPIF: prefix.</summary>
    public static bool IsService(string text) =>
        text.StartsWith("WFS:", StringComparison.OrdinalIgnoreCase) || text.StartsWith("OAPIF:", StringComparison.OrdinalIgnoreCase)
        || (!Path.IsPathRooted(text) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1);

    /// <exception cref="SourceFormatException">Not an http or https URL.</exception>
    public static ServiceUrl Parse(string text)
    {
        string? protocol = null;
        var url = text.Trim();
        foreach (var prefix in new[] { "WFS", "OAPIF" })
        {
            if (!url.StartsWith(prefix + ":", StringComparison.OrdinalIgnoreCase)) continue;
            protocol = prefix;
            url = url[(prefix.Length + 1)..];
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new SourceFormatException($"{text}: a layer service is read over http or https only (WFS:https://..., OAPIF:https://..., or a plain https:// URL).");
        protocol ??= uri.Query.Contains("service=wfs", StringComparison.OrdinalIgnoreCase) || uri.AbsolutePath.TrimEnd('/').EndsWith("/wfs", StringComparison.OrdinalIgnoreCase)
            ? "WFS" : "OAPIF";
        var display = uri.UserInfo.Length == 0 ? uri.AbsoluteUri : new UriBuilder(uri) { UserName = "", Password = "" }.Uri.AbsoluteUri;
        return new ServiceUrl($"{protocol}:{uri.AbsoluteUri}", display, protocol);
    }
}

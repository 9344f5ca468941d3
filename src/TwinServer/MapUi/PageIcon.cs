namespace DigitalTwin.Server.MapUi;

/// <summary>
/// The icon every page names (TwinUi's <c>favicon.svg</c>): the pages the server writes itself (sign-in, a role's
/// refusal, GraphiQL) link it by this address, <c>/favicon.ico</c> is sent on to it, and the map's shell links its
/// fingerprinted address.
/// </summary>
internal static class PageIcon
{
    public const string Path = "/_content/TwinUi/favicon.svg";

    /// <summary>The page head's link to it.</summary>
    public const string Link = "<link rel=\"icon\" type=\"image/svg+xml\" href=\"" + Path + "\">";
}

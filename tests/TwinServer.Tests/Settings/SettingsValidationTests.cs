using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Tests.Settings;

/// <summary>A setting that cannot work stops the server at start-up, naming the key, rather than failing later, in a worker.</summary>
public sealed class SettingsValidationTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Theory]
    [InlineData("Outbox:Workers", "0", "Workers")]
    [InlineData("Outbox:TimeoutSeconds", "-1", "TimeoutSeconds")]
    [InlineData("Outbox:SmtpFrom", "not an address", "Outbox:SmtpFrom")]
    [InlineData("Outbox:MaxRetrySeconds", "1", "Outbox:MaxRetrySeconds")]
    [InlineData("Reports:TimeZone", "Mars/Olympus_Mons", "Reports:TimeZone")]
    [InlineData("Reports:PlacementSweepSeconds", "0", "Reports:PlacementSweepSeconds")]
    [InlineData("Tiles:MinZoom:parcels", "12", "Tiles:MinZoom")]
    [InlineData("Tiles:CacheMegabytes", "-1", "Tiles:CacheMegabytes")]
    [InlineData("Access:SessionHours", "0", "Access:SessionHours")]
    [InlineData("Map:Zoom", "30", "Map:Zoom")]
    [InlineData("Map:DefaultLanguage", "de", "Map:DefaultLanguage")]
    [InlineData("Map:Basemap:type", "tms", "Map:Basemap:type")]
    [InlineData("Map:Basemap:type", "wmts", "Map:Basemap:capabilitiesUrl")]
    [InlineData("Access:Open311PostsPerSecond", "0", "Access:Open311PostsPerSecond")]
    [InlineData("Access:TrustedOrigins:0", "https://example.org/path", "Access:TrustedOrigins")]
    [InlineData("Cases:Answers:*:0:States:0", "fixed", "Cases:Answers")]
    [InlineData("Map:MediaOrigins:0", "https://media.example/photos", "Map:MediaOrigins")]
    public void A_setting_that_cannot_work_stops_the_start_and_names_itself(string key, string value, string named)
    {
        using var misconfigured = server.WithWebHostBuilder(builder => builder.UseSetting(key, value));
        var refusal = Should.Throw<OptionsValidationException>(() => misconfigured.CreateClient());
        refusal.Message.ShouldContain(named);
    }
}

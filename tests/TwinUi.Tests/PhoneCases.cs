using System.Globalization;

namespace DigitalTwin.Ui.Tests;

/// <summary>Cases a handler takes in by phone, through GraphQL, for the browser tests to find on the desk.</summary>
internal static class PhoneCases
{
    /// <summary>The bridge pillar of the sample city, where graffiti goes to klotterfritt.</summary>
    public const double PillarLon = 18.076363, PillarLat = 59.305782;

    /// <summary>A phone case of the category, with the description, at the point (the pillar unless told); its number.</summary>
    public static async Task<string> CreateAsync(TwinServerFactory server, string category, string description, double lon = PillarLon, double lat = PillarLat)
    {
        var (_, body) = await server.AskAsync(await server.KeyAsync("handler"), $$"""
            mutation { createCase(input: { category: "{{category}}", channel: PHONE,
                       at: { x: {{lon.ToString(CultureInfo.InvariantCulture)}}, y: {{lat.ToString(CultureInfo.InvariantCulture)}} }, description: "{{description}}" })
              { case { serviceRequestId } } }
            """);
        return body.GetProperty("data").GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
    }
}

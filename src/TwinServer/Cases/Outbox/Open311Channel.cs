using System.Globalization;
using System.Text.Json;
using DigitalTwin.Data.Text;

namespace DigitalTwin.Server.Cases;

/// <summary>
/// An Open311 POST to the recipient's own GeoReport endpoint (requests.json), its texts cleaned (TextRules) as our
/// own feeds write them: the receiver may store them in XML.
/// </summary>
public sealed class Open311Channel(OutboxHttp http) : IOutboxChannel
{
    private static readonly (string From, string To)[] Fields =
    [
        ("service_code", "service_code"), ("description", "description"), ("lat", "lat"), ("long", "long"),
        ("address_string", "address_string"), ("media_url", "media_url"), ("service_request_id", "attribute[twin_service_request_id]"),
    ];

    public string Name => "open311";

    public async Task<string?> SendAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        using var json = JsonDocument.Parse(delivery.Payload);
        var fields = new Dictionary<string, string>();
        foreach (var (from, to) in Fields)
        {
            if (json.RootElement.TryGetProperty(from, out var value) && value.ValueKind != JsonValueKind.Null)
                fields[to] = value.ValueKind == JsonValueKind.Number ? value.GetDouble().ToString(CultureInfo.InvariantCulture) : TextRules.Clean(value.ToString());
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, OutboxHttp.Url(delivery.Target.TrimEnd('/') + "/requests.json"))
        {
            Content = new FormUrlEncodedContent(fields),
        };
        request.Headers.Add("Idempotency-Key", delivery.Key.ToString());
        return await http.SendAsync(request, cancellationToken);
    }
}

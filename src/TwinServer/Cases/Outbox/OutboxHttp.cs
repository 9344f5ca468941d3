using System.Text.Json;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Cases;

/// <summary>What the HTTP channels share: the receiver's URL checked as HttpClient reads it, the time limit, and the receiver's id for the case.</summary>
public sealed class OutboxHttp(IHttpClientFactory http, IOptions<OutboxOptions> options)
{
    public const string ClientName = "outbox";

    /// <summary>The receiver's URL as HttpClient will read it; one it cannot is undeliverable, not a retry.</summary>
    public static Uri Url(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri
        : throw new UndeliverableException($"'{url}' is not an http(s) URL");

    /// <summary>Sends within <see cref="OutboxOptions.TimeoutSeconds"/>; an answer other than 2xx is a failure, with what the receiver said.</summary>
    public async Task<string?> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.TimeoutSeconds));
        using var response = await http.CreateClient(ClientName).SendAsync(request, timeout.Token);
        var body = await response.Content.ReadAsStringAsync(timeout.Token);
        if (!response.IsSuccessStatusCode) throw new DeliveryException($"{(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}");
        return ExternalId(body);
    }

    /// <summary>The receiver's own id for the case, if its answer names one ({"id": ...} or Open311's [{"service_request_id": ...}]).</summary>
    private static string? ExternalId(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.GetArrayLength() > 0 ? json.RootElement[0] : json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in new[] { "id", "service_request_id", "external_id" })
            {
                if (root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number) return value.ToString();
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}

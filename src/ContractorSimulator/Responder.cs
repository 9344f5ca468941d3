using System.Globalization;
using System.Text.Json;

namespace DigitalTwin.ContractorSimulator;

/// <summary>
/// What a contractor's crew does with a case, for the demo (<c>./twin up --demo</c>): some seconds after a case
/// arrives it reports "in progress", later "fixed", to DigitalTwin's <c>servicerequestupdates.json</c>, with the
/// organisation's own key, as FixMyStreet's Open311 integration sends updates. Off unless configured.
/// </summary>
/// <param name="http">A client whose base address is DigitalTwin.</param>
/// <param name="keys">Each organisation's key for its updates.</param>
/// <param name="progressAfter">How long after arrival "in progress" is reported.</param>
/// <param name="doneAfter">How long after arrival "fixed" is reported.</param>
/// <param name="logger">Where what was reported is logged.</param>
public sealed partial class Responder(HttpClient http, IReadOnlyDictionary<string, string> keys, TimeSpan progressAfter, TimeSpan doneAfter, ILogger logger)
{

    /// <summary>
    /// From the environment: SIMULATOR_TWIN_URL (where DigitalTwin is), SIMULATOR_KEYS_FILE (a JSON file with
    /// <c>{"contractors": {"organisation": "key", ...}}</c>, as <c>./twin up --demo</c> writes it), and the delays
    /// SIMULATOR_PROGRESS_SECONDS (default 8) and SIMULATOR_DONE_SECONDS (default 25).
    /// </summary>
    public static Responder? FromEnvironment(ILogger logger)
    {
        if (Environment.GetEnvironmentVariable("SIMULATOR_TWIN_URL") is not { Length: > 0 } url
            || Environment.GetEnvironmentVariable("SIMULATOR_KEYS_FILE") is not { Length: > 0 } file) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var keys = json.RootElement.GetProperty("contractors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        static TimeSpan Seconds(string name, double fallback) =>
            TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out var s) ? s : fallback);
        return new Responder(new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(10) }, keys, Seconds("SIMULATOR_PROGRESS_SECONDS", 8), Seconds("SIMULATOR_DONE_SECONDS", 25), logger);
    }

    /// <summary>Works a case that arrived for the first time: in progress, then fixed (in the background).</summary>
    public void Work(Received arrived)
    {
        if (!keys.TryGetValue(arrived.Organisation, out var key) || ServiceRequestId(arrived) is not { } id) return;
        _ = Task.Run(async () =>
        {
            await Task.Delay(progressAfter);
            await ReportAsync(key, id, $"{arrived.ExternalId}-1", "IN_PROGRESS", "A crew is on its way.");
            await Task.Delay(doneAfter - progressAfter);
            await ReportAsync(key, id, $"{arrived.ExternalId}-2", "FIXED", "Done: the crew has fixed it on site.");
        });
    }

    private async Task ReportAsync(string key, string id, string updateId, string status, string description)
    {
        try
        {
            using var response = await http.PostAsync("/open311/v2/servicerequestupdates.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = key, ["service_request_id"] = id, ["update_id"] = updateId, ["status"] = status, ["description"] = description,
                ["updated_datetime"] = DateTimeOffset.UtcNow.ToString("o", CultureInfo.InvariantCulture), ["external_status_code"] = status.ToLowerInvariant(),
            }));
            LogReported(logger, id, status, (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            LogNotReported(logger, id, status, e.Message);
        }
    }

    /// <summary>Our case number in what arrived: the webhook's JSON, or the Open311 post's twin attribute.</summary>
    private static string? ServiceRequestId(Received arrived)
    {
        if (arrived.Channel == "webhook")
        {
            using var json = JsonDocument.Parse(arrived.Body);
            return json.RootElement.TryGetProperty("service_request_id", out var id) ? id.GetString() : null;
        }
        const string field = "attribute[twin_service_request_id]=";
        return arrived.Body.Split('&').FirstOrDefault(f => f.StartsWith(field, StringComparison.Ordinal))?[field.Length..];
    }

    [LoggerMessage(9101, LogLevel.Information, "{Id}: {Status} -> {Code}")]
    private static partial void LogReported(ILogger logger, string id, string status, int code);

    [LoggerMessage(9102, LogLevel.Warning, "{Id}: {Status} not reported: {Message}")]
    private static partial void LogNotReported(ILogger logger, string id, string status, string message);
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace DigitalTwin.ContractorSimulator;

/// <summary>One case as the simulator received it, and how many times it came (more than once: a redelivery).</summary>
public sealed record Received(string Organisation, string IdempotencyKey, string Channel, string Body, string ExternalId, int Times);

/// <summary>
/// The contractors' systems: <c>POST /webhooks/{organisation}</c> (JSON, signed: X-Twin-Timestamp and X-Twin-Signature
/// = sha256=HMAC-SHA256(secret, "{timestamp}.{body}")) and a GeoReport v2 endpoint per organisation,
/// <c>/open311/{organisation}/v2</c>, as the sample organisations name it (<c>POST requests.json</c>, form-encoded).
/// Each answers with its own id for the case, the same for a repeat of the same idempotency key.
/// <c>GET /received</c> lists what came; <c>POST /down</c> and <c>POST /up</c> make every receiving endpoint answer 503
/// or work again.
/// </summary>
public sealed class Simulator
{
    private readonly ConcurrentDictionary<string, Received> received = new(StringComparer.Ordinal);
    private int next;

    /// <param name="secrets">Signing secrets by organisation; "*" for any other.</param>
    public Simulator(IReadOnlyDictionary<string, string> secrets) => Secrets = secrets;

    public IReadOnlyDictionary<string, string> Secrets { get; }

    public bool Down { get; set; }

    /// <summary>Reports progress and completion of each new case back to DigitalTwin (the demo), if set.</summary>
    public Responder? Responder { get; set; }

    /// <summary>How long each answer takes: a slow receiver, so that a sender stopped mid-batch has deliveries in flight.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Deliveries that failed the signature check.</summary>
    public int Refused => refused;

    private int refused;

    public IReadOnlyList<Received> All => [.. received.Values.OrderBy(r => r.ExternalId, StringComparer.Ordinal)];

    public static WebApplication Build(string[] args, Simulator simulator)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapPost("/webhooks/{organisation}", async (HttpContext http, string organisation) =>
        {
            if (simulator.Down) return Results.StatusCode(503);
            var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
            if (!simulator.Verify(organisation, http.Request.Headers["X-Twin-Timestamp"], http.Request.Headers["X-Twin-Signature"], body))
            {
                Interlocked.Increment(ref simulator.refused);
                return Results.Json(new { error = "bad signature" }, statusCode: 401);
            }
            var record = simulator.Record(organisation, http.Request.Headers["Idempotency-Key"].ToString(), "webhook", body);
            if (simulator.Delay > TimeSpan.Zero) await Task.Delay(simulator.Delay);
            return Results.Json(new { id = record.ExternalId });
        });
        app.MapPost("/open311/{organisation}/v2/requests.json", async (HttpContext http, string organisation) =>
        {
            if (simulator.Down) return Results.StatusCode(503);
            var form = await http.Request.ReadFormAsync();
            var body = string.Join('&', form.Select(f => $"{f.Key}={f.Value}"));
            var record = simulator.Record(organisation, http.Request.Headers["Idempotency-Key"].ToString(), "open311", body);
            return Results.Json(new[] { new { service_request_id = record.ExternalId } });
        });
        app.MapGet("/received", () => Results.Json(simulator.All));
        app.MapPost("/down", () => simulator.Down = true);
        app.MapPost("/up", () => simulator.Down = false);
        return app;
    }

    private Received Record(string organisation, string key, string channel, string body)
    {
        if (key.Length == 0) key = $"none-{Guid.NewGuid()}";
        var record = received.AddOrUpdate(key,
            _ => new Received(organisation, key, channel, body, $"SIM-{Interlocked.Increment(ref next).ToString("D5", CultureInfo.InvariantCulture)}", 1),
            (_, earlier) => earlier with { Times = earlier.Times + 1 });
        if (record.Times == 1) Responder?.Work(record);
        return record;
    }

    /// <summary>The signature is HMAC-SHA256 of "{timestamp}.{body}", and the timestamp within five minutes of now.</summary>
    private bool Verify(string organisation, string? timestamp, string? signature, string body)
    {
        if (!(Secrets.TryGetValue(organisation, out var secret) || Secrets.TryGetValue("*", out secret))) return false;
        if (!long.TryParse(timestamp, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return false;
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        return signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature));
    }
}

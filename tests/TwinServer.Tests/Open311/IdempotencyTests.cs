using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DigitalTwin.Server.Cases;
using DigitalTwin.Server.Errors;
using DigitalTwin.Server.Tests.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Open311;

/// <summary>
/// Idempotency as the IETF Idempotency-Key draft has it, over real HTTP: one key per request (two are refused, 400),
/// a retry with the same key and the same request answers what the first answer said, and the same key with another
/// request is refused (422) with the specification's error body, making no case. GraphQL's clientKey goes the same way.
/// </summary>
public sealed class IdempotencyTests(Open311City server) : IClassFixture<Open311City>
{
    private const string PillarLat = "59.305782", PillarLon = "18.076363";

    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    [Fact]
    public async Task A_retry_with_the_same_key_and_request_answers_what_the_first_answer_said()
    {
        var key = await AppKeyAsync();
        var form = Report(key, "Tags on the pillar");
        var first = await PostAsync(form, ("Idempotency-Key", "retry-1"));
        first.Status.ShouldBe(HttpStatusCode.OK, first.Body);
        var again = await PostAsync(form, ("Idempotency-Key", "retry-1"));
        again.Status.ShouldBe(HttpStatusCode.OK);
        again.Body.ShouldBe(first.Body);
        // The draft's own form, a quoted Structured Field String, is the same key.
        var quoted = await PostAsync(form, ("Idempotency-Key", "\"retry-1\""));
        quoted.Body.ShouldBe(first.Body);
        (await CountAsync("retry-1")).ShouldBe(1);
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_refused_with_422_and_makes_no_case()
    {
        var key = await AppKeyAsync();
        var first = await PostAsync(Report(key, "Tags on the pillar"), ("Idempotency-Key", "reuse-1"));
        var number = JsonDocument.Parse(first.Body).RootElement[0].GetProperty("service_request_id").GetString();
        foreach (var format in new[] { "json", "xml" })
        {
            var other = await PostAsync(Report(key, "Another report entirely"), ("Idempotency-Key", "reuse-1"), format);
            other.Status.ShouldBe(HttpStatusCode.UnprocessableEntity, other.Body);
            other.Body.ShouldContain(ErrorCodes.IdempotencyKeyReused);
            if (format == "json") JsonDocument.Parse(other.Body).RootElement[0].GetProperty("code").GetString().ShouldBe(ErrorCodes.IdempotencyKeyReused);
        }
        (await CountAsync("reuse-1")).ShouldBe(1);
        (await Cases.FindAsync(number!, CancellationToken.None))!.Description.ShouldBe("Tags on the pillar");
    }

    [Fact]
    public async Task An_apps_own_client_request_id_is_held_to_the_same_rule()
    {
        var key = await AppKeyAsync();
        var form = Report(key, "Tags", ("device_id", "phone-7"), ("client_request_id", "c-1"));
        (await PostAsync(form)).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(form)).Status.ShouldBe(HttpStatusCode.OK);
        (await PostAsync(Report(key, "Other", ("device_id", "phone-7"), ("client_request_id", "c-1")))).Status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await CountAsync("phone-7/c-1")).ShouldBe(1);
    }

    [Theory]
    [InlineData("Idempotency-Key: two-lines-1\r\nIdempotency-Key: two-lines-2")]
    [InlineData("Idempotency-Key: two-lines-1\r\nIdempotency-Key: two-lines-1")]
    [InlineData("Idempotency-Key: list-1, list-2")]
    [InlineData("Idempotency-Key: \"list-1\", \"list-2\"")]
    [InlineData("Idempotency-Key: \"unterminated")]
    [InlineData("Idempotency-Key: ")]
    public async Task Two_keys_or_a_malformed_key_are_refused_and_every_post_makes_no_case(string headerLines)
    {
        var key = await AppKeyAsync();
        var before = await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases");
        // Three posts, as a client that retries would send them: each refused, none a case (not three).
        for (var i = 0; i < 3; i++)
        {
            var (status, body) = await RawPostAsync(headerLines, Report(key, "Tags"));
            status.ShouldBe(400, body);
            JsonDocument.Parse(body).RootElement[0].GetProperty("code").GetString().ShouldBe("BAD_IDEMPOTENCY_KEY");
        }
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(before);
    }

    [Fact]
    public async Task GraphQLs_client_key_gives_the_same_case_on_a_retry_and_refuses_another_case_under_it()
    {
        var handler = await server.KeyAsync("handler");
        const string Create = """
            mutation ($d: String) {
              createCase(input: { category: "graffiti", at: { x: 18.076363, y: 59.305782 }, clientKey: "crm-1", description: $d }) { created case { serviceRequestId } }
            }
            """;
        var (_, first) = await server.AskAsync(handler, Create, new { d = "Tags" });
        var made = first.GetProperty("data").GetProperty("createCase");
        made.GetProperty("created").GetBoolean().ShouldBeTrue(first.ToString());
        var (_, retry) = await server.AskAsync(handler, Create, new { d = "Tags" });
        retry.GetProperty("data").GetProperty("createCase").GetProperty("created").GetBoolean().ShouldBeFalse();
        retry.GetProperty("data").GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()
            .ShouldBe(made.GetProperty("case").GetProperty("serviceRequestId").GetString());
        var (_, reuse) = await server.AskAsync(handler, Create, new { d = "Something else" });
        reuse.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe(ErrorCodes.IdempotencyKeyReused);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE idempotency_key LIKE '%crm-1'")).ShouldBe(1);
    }

    private Task<string> AppKeyAsync() =>
        server.Services.GetRequiredService<ApiKeys>().CreateAsync($"idem-app-{Guid.NewGuid():N}", "citizen-app", null, null, CancellationToken.None);

    private Task<long> CountAsync(string idempotencyKey) =>
        server.Database.ScalarAsync<long>("SELECT count(*) FROM cases WHERE idempotency_key = $1", idempotencyKey);

    private static Dictionary<string, string> Report(string key, string description, params (string Name, string Value)[] more)
    {
        var form = new Dictionary<string, string>
        {
            ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = PillarLat, ["long"] = PillarLon, ["description"] = description,
        };
        foreach (var (name, value) in more) form[name] = value;
        return form;
    }

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(Dictionary<string, string> form, (string Name, string Value)? header = null, string format = "json")
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/open311/v2/requests.{format}") { Content = new FormUrlEncodedContent(form) };
        if (header is { } h) request.Headers.TryAddWithoutValidation(h.Name, h.Value);
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A post written byte by byte, so that its header lines are exactly these (HttpClient joins repeated headers into one line).</summary>
    private async Task<(int Status, string Body)> RawPostAsync(string headerLines, Dictionary<string, string> form)
    {
        var body = await new FormUrlEncodedContent(form).ReadAsStringAsync();
        var request = $"POST /open311/v2/requests.json HTTP/1.1\r\nHost: {server.BaseAddress.Authority}\r\nContent-Type: application/x-www-form-urlencoded\r\n" +
                      $"Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\n{headerLines}\r\nConnection: close\r\n\r\n{body}";
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request));
        var answer = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var status = int.Parse(answer.Split(' ', 3)[1], System.Globalization.CultureInfo.InvariantCulture);
        var content = answer[(answer.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];
        // The answer may come chunked: the JSON is the line between the chunk sizes.
        if (answer.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) content = content.Split("\r\n")[1];
        return (status, content);
    }
}

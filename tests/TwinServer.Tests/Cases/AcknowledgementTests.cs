using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>A city that acknowledges every report by e-mail (Cases:Acknowledge).</summary>
public sealed class AcknowledgingCity : CaseCityServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cases:Acknowledge", "true");
    }
}

/// <summary>
/// The acknowledgement of a report, where the city wants one: in the reporter's language, with the number, through
/// the outbox in the same transaction as the intake (a retried post acknowledged once); and model answers that fit
/// the case's state.
/// </summary>
public sealed class AcknowledgementTests(AcknowledgingCity server) : IClassFixture<AcknowledgingCity>
{
    private CaseStore Cases => server.Services.GetRequiredService<CaseStore>();

    [Fact]
    public async Task A_report_with_an_address_is_acknowledged_once_in_the_reporters_language()
    {
        var app = await server.Services.GetRequiredService<ApiKeys>().CreateAsync("ack-app", "citizen-app", null, null, CancellationToken.None);
        using var client = server.CreateClient();
        var form = new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363", ["email"] = "sara@example.org", ["locale"] = "sv",
        };
        static async Task<string> NumberOf(HttpResponseMessage response) =>
            JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = new FormUrlEncodedContent(form) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "\"ack-once\"");
        using var first = await client.SendAsync(request);
        var number = await NumberOf(first);
        using var retry = new HttpRequestMessage(HttpMethod.Post, "/open311/v2/requests.json") { Content = new FormUrlEncodedContent(form) };
        retry.Headers.TryAddWithoutValidation("Idempotency-Key", "\"ack-once\"");
        using var again = await client.SendAsync(retry);
        (await NumberOf(again)).ShouldBe(number);

        var made = (await Cases.FindAsync(number, CancellationToken.None))!;
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE case_id = $1 AND payload ->> 'kind' = 'received'", made.Id)).ShouldBe(1);
        MimeKit.MimeMessage? mail = null;
        await server.EventuallyAsync(() => Task.FromResult((mail = Directory.Exists(Path.Combine(server.MailDir, "new"))
            ? Directory.GetFiles(Path.Combine(server.MailDir, "new")).Select(f => MimeKit.MimeMessage.Load(f)).FirstOrDefault(m => m.Subject == $"Ditt ärende {number} har tagits emot")
            : null) is not null), "the acknowledgement arrives");
        (mail!.TextBody ?? "").ShouldContain(number);
        mail.To.ToString().ShouldContain("sara@example.org");

        // Without an address there is nobody to acknowledge.
        var quiet = await Cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, null, null, null, null, null, null, null, "fi", "phone", null),
            new Actor("user:test.ack"), CancellationToken.None);
        (await server.Database.ScalarAsync<long>("SELECT count(*) FROM outbox WHERE case_id = $1", quiet.Id)).ShouldBe(0);
    }

    [Fact]
    public void Model_answers_fit_the_cases_state()
    {
        static string[] English(IReadOnlyList<ModelAnswer> answers) => [.. answers.Select(a => a.En!)];
        English(Cases.AnswersFor("graffiti", CaseStatus.Done)).ShouldContain(a => a.Contains("has now been fixed", StringComparison.Ordinal));
        English(Cases.AnswersFor("graffiti", CaseStatus.Forwarded)).ShouldNotContain(a => a.Contains("has now been fixed", StringComparison.Ordinal));
        English(Cases.AnswersFor("graffiti", CaseStatus.Received)).ShouldContain(a => a.Contains("finding out who is responsible", StringComparison.Ordinal));
        English(Cases.AnswersFor("graffiti", CaseStatus.Forwarded)).Length.ShouldBe(3); // graffiti's own and the two for any state
    }
}

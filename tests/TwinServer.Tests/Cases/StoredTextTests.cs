using DigitalTwin.Data.Text;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// What an older version stored before the text rule (a control character in a case's text) still goes out: the
/// citizen's e-mail arrives, its subject and text clean, over a real SMTP server on loopback.
/// </summary>
public sealed class StoredTextTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    [Fact]
    public async Task A_citizens_e_mail_about_text_stored_with_control_characters_goes_out_clean()
    {
        var cases = server.Services.GetRequiredService<CaseStore>();
        var made = await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags", null, null, "old@example.org", null, null, null, "en", "phone", null),
            new Actor("test"), CancellationToken.None);
        // The outbox row as an older version wrote it, with the handler's reply as it was stored then.
        await server.Database.ScalarAsync<int>("""
            INSERT INTO outbox (case_id, recipient, channel, target, payload)
            SELECT $1, NULL, 'citizen-email', 'old@example.org',
                   jsonb_build_object('kind', 'reply', 'service_request_id', c.service_request_id || chr(7), 'service_code', 'graffiti',
                                      'language', 'en', 'status_notes', 'Removed' || chr(1) || ' today' || chr(27) || '.')
            FROM cases c WHERE c.id = $1
            """, made.Id);
        MimeKit.MimeMessage? mail = null;
        await server.EventuallyAsync(() => Task.FromResult((mail = Directory.Exists(Path.Combine(server.MailDir, "new"))
            ? Directory.GetFiles(Path.Combine(server.MailDir, "new")).Select(f => MimeKit.MimeMessage.Load(f)).FirstOrDefault(m => m.To.ToString() == "old@example.org")
            : null) is not null), "the e-mail arrives");
        mail!.Subject.ShouldBe($"Reply to your report {made.ServiceRequestId}\uFFFD");
        mail.TextBody!.ShouldStartWith("Removed\uFFFD today\uFFFD.");
        TextRules.IsClean(mail.TextBody).ShouldBeTrue();
    }
}

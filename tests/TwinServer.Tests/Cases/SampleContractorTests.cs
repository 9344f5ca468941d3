using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// The sample city with its contractors' channels as data/sample has them (webhooks and Open311 endpoints on the
/// simulator, e-mail addresses), only the simulator's address put where the sample says http://127.0.0.1:5099/.
/// </summary>
public sealed class SampleChannelsCity : CaseCityServer
{
    protected override Task RouteContractorsAsync() => Database.ScalarAsync<int>($"""
        UPDATE organisations SET webhook_url = replace(webhook_url, 'http://127.0.0.1:5099/', '{SimulatorAddress}'),
                                 open311_endpoint = replace(open311_endpoint, 'http://127.0.0.1:5099/', '{SimulatorAddress}'),
                                 webhook_secret = CASE WHEN webhook_url IS NOT NULL THEN 'test-secret' END
        WHERE kind = 'contractor'
        """);
}

/// <summary>
/// Every contractor of the sample can receive a case forwarded to it, through the channel the sample gives it: the
/// simulator's webhook or its GeoReport v2 endpoint (the sample's .../v2), or e-mail over SMTP on loopback.
/// </summary>
public sealed class SampleContractorTests(SampleChannelsCity server) : IClassFixture<SampleChannelsCity>
{
    [Fact]
    public async Task A_case_forwarded_to_each_sample_contractor_is_delivered_through_its_own_channel()
    {
        var contractors = (await server.Database.ScalarAsync<string>("""
            SELECT string_agg(key || ' ' || CASE WHEN webhook_url IS NOT NULL THEN 'webhook' WHEN open311_endpoint IS NOT NULL THEN 'open311' ELSE 'email' END
                              || ' ' || coalesce(email, ''), ',' ORDER BY key)
            FROM organisations WHERE kind = 'contractor'
            """)).Split(',').Select(c => c.Split(' ')).Select(c => (Key: c[0], Channel: c[1], Email: c[2])).ToList();
        contractors.Select(c => c.Channel).Distinct().Order().ShouldBe(["email", "open311", "webhook"]); // the sample has all three
        contractors.Count(c => c.Channel == "open311").ShouldBe(3);

        var cases = server.Services.GetRequiredService<CaseStore>();
        var sent = new List<(string Key, string Channel, string Email, long Id, string Number)>();
        foreach (var (key, channel, email) in contractors)
        {
            var made = await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, $"For {key}", null, null, null, null, null, null, "en", "phone", null),
                new Actor("test"), CancellationToken.None);
            await cases.ForwardAsync(made.Id, new ForwardRequest(key, Reason: "Each sample contractor in turn"), new Actor("handler:test"), CancellationToken.None);
            sent.Add((key, channel, email, made.Id, made.ServiceRequestId));
        }

        foreach (var (key, channel, email, id, number) in sent)
        {
            await server.EventuallyAsync(async () => (await cases.DeliveriesAsync(id, CancellationToken.None)).Single().State == "delivered",
                $"{key}'s case ({channel}) is delivered");
            if (channel == "email")
            {
                var mails = Directory.GetFiles(Path.Combine(server.MailDir, "new")).Select(f => MimeKit.MimeMessage.Load(f))
                    .Select(m => (To: m.To.ToString(), Subject: m.Subject ?? ""));
                mails.ShouldContain(m => m.To == email && m.Subject.Contains(number, StringComparison.Ordinal), $"{key} gets the case at {email}");
            }
            else
            {
                var received = server.Simulator.All.Single(r => r.Body.Contains(number, StringComparison.Ordinal));
                received.Organisation.ShouldBe(key);
                received.Channel.ShouldBe(channel);
                received.Times.ShouldBe(1);
            }
        }
    }
}

using DigitalTwin.ContractorSimulator;
using DigitalTwin.Server.Cases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>The demo's crews (./twin up --demo): a case that reached a contractor comes back in progress, then done, over real HTTP.</summary>
public sealed class DemoCrewTests(CaseCityServer server) : IClassFixture<CaseCityServer>
{
    [Fact]
    public async Task A_crew_reports_its_case_in_progress_then_fixed_with_its_own_key()
    {
        var cases = server.Services.GetRequiredService<CaseStore>();
        var keys = server.Services.GetRequiredService<ApiKeys>();
        var app = await keys.CreateAsync("crew-app", "citizen-app", null, null, CancellationToken.None);
        var made = await cases.CreateAsync(new NewCase("graffiti", 18.076363, 59.305782, "Tags", null, null, null, null, null, null, "sv", "open311", null),
            (await keys.FindAsync(app, CancellationToken.None))!.Actor, CancellationToken.None);
        await cases.ForwardAsync(made.Id, new ForwardRequest(null), new Actor("handler:test"), CancellationToken.None);

        var crewKey = await keys.CreateAsync("crew-klotterfritt", "contractor", "klotterfritt", null, CancellationToken.None);
        using var http = server.CreateClient();
        var crew = new Responder(http, new Dictionary<string, string> { ["klotterfritt"] = crewKey },
            TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), NullLogger.Instance);
        crew.Work(new Received("klotterfritt", Guid.NewGuid().ToString(), "webhook", $$"""{"service_request_id": "{{made.ServiceRequestId}}"}""", "SIM-T1", 1));

        await server.EventuallyAsync(async () => (await cases.GetAsync(made.Id, CancellationToken.None))!.Status == CaseStatus.Done, "the crew's 'fixed' arrives");
        var timeline = await cases.TimelineAsync(made.Id, CancellationToken.None);
        timeline.Where(e => e.Kind == "status").Select(e => e.Actor).ShouldBe(
            ["key:crew-klotterfritt (update SIM-T1-1, in_progress)", "key:crew-klotterfritt (update SIM-T1-2, fixed)"]);
    }
}

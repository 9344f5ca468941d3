using System.Text.Json;
using DigitalTwin.Server.Cases;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>A city that forwards clear cases at once (Cases:AutoForward).</summary>
public sealed class AutoForwardCity : CaseCityServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cases:AutoForward", "true");
    }
}

public sealed class AutoForwardTests(AutoForwardCity server) : IClassFixture<AutoForwardCity>
{
    private async Task<DigitalTwin.Server.Cases.Case> ReportAsync(string app, string code, string lat, string lon)
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["api_key"] = app, ["service_code"] = code, ["lat"] = lat, ["long"] = lon,
        }));
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement[0].GetProperty("service_request_id").GetString()!;
        return (await server.Services.GetRequiredService<CaseStore>().FindAsync(id, CancellationToken.None))!;
    }

    [Fact]
    public async Task A_clear_case_goes_straight_to_its_contractor_and_a_fallback_waits_for_the_handler()
    {
        var app = await server.Services.GetRequiredService<ApiKeys>().CreateAsync("auto-app", "citizen-app", null, null, CancellationToken.None);
        var clear = await ReportAsync(app, "graffiti", "59.305782", "18.076363"); // story S1: the graffiti subcontractor
        clear.Status.ShouldBe(CaseStatus.Forwarded);
        clear.Assignee.ShouldBe("klotterfritt");
        (await server.Services.GetRequiredService<CaseStore>().TimelineAsync(clear.Id, CancellationToken.None)).Single(e => e.Kind == "forwarded").Actor
            .ShouldBe("system:auto-forward");

        var fallback = await ReportAsync(app, "winter-maintenance", "59.309058", "18.076370"); // story S7: no contract, the manager
        fallback.Status.ShouldBe(CaseStatus.Received);
        fallback.SuggestedTo.ShouldBe("trafikkontoret");
    }
}

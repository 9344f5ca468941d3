using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace DigitalTwin.Server.Tests.Cases;

/// <summary>The sample city on a clock the test sets, in Stockholm's time zone.</summary>
public sealed class NewYearCity : SampleCityServer
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 12, 31, 22, 59, 0, TimeSpan.Zero));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Reports:TimeZone", "Europe/Stockholm");
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Case numbers: the year of intake in the city's time zone, by the server's clock, and every digit of the count.</summary>
public sealed class CaseNumberTests(NewYearCity server) : IClassFixture<NewYearCity>
{
    private async Task<string> CreateAsync(string key)
    {
        var (_, body) = await server.AskAsync(key,
            """mutation { createCase(input: { category: "litter", at: { x: 18.076363, y: 59.305782 } }) { created case { serviceRequestId } } }""");
        body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
        body.GetProperty("data").GetProperty("createCase").GetProperty("created").GetBoolean().ShouldBeTrue();
        return body.GetProperty("data").GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!;
    }

    /// <summary>
    /// They were cut to six digits, so the millionth case and the ones after it took numbers already given, and intake
    /// failed for every report (found with a generated history).
    /// </summary>
    [Fact]
    public async Task Numbers_past_a_million_keep_every_digit_and_every_report_is_taken_in()
    {
        await server.Database.ScalarAsync<long>("SELECT setval('case_numbers', 999998)");
        var key = await server.KeyAsync("handler");
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++) numbers.Add(await CreateAsync(key));
        var year = TimeZoneInfo.ConvertTime(server.Clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm")).Year;
        numbers.ShouldBe([$"{year}-999999", $"{year}-1000000", $"{year}-1000001"]);
    }

    [Fact]
    public async Task A_case_takes_the_year_of_the_city_it_came_in_at_midnight_on_new_years_eve()
    {
        var key = await server.KeyAsync("handler");
        // The clock only goes forward: the next New Year's Eve at 23:59:59 in Stockholm, 22:59:59 UTC.
        var year = server.Clock.GetUtcNow().Year;
        var eve = new DateTimeOffset(year, 12, 31, 22, 59, 59, TimeSpan.Zero);
        if (eve <= server.Clock.GetUtcNow()) eve = eve.AddYears(1);
        server.Clock.SetUtcNow(eve);
        (await CreateAsync(key)).ShouldStartWith($"{eve.Year}-");
        // Two seconds later it is the new year in Stockholm, though still the old one in UTC.
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        server.Clock.GetUtcNow().Year.ShouldBe(eve.Year);
        (await CreateAsync(key)).ShouldStartWith($"{eve.Year + 1}-");
    }
}

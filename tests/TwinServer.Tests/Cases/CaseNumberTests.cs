namespace DigitalTwin.Server.Tests.Cases;

/// <summary>
/// Case numbers past the millionth case keep all their digits. They were cut to six, so the millionth case and the
/// ones after it took numbers already given, and intake failed for every report (found with a generated history).
/// </summary>
public sealed class CaseNumberTests(SampleCityServer server) : IClassFixture<SampleCityServer>
{
    [Fact]
    public async Task Numbers_past_a_million_keep_every_digit_and_every_report_is_taken_in()
    {
        await server.Database.ScalarAsync<long>("SELECT setval('case_numbers', 999998)");
        var key = await server.KeyAsync("handler");
        var numbers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (_, body) = await server.AskAsync(key,
                """mutation { createCase(input: { category: "litter", at: { x: 18.076363, y: 59.305782 } }) { created case { serviceRequestId } } }""");
            body.TryGetProperty("errors", out _).ShouldBeFalse(body.ToString());
            body.GetProperty("data").GetProperty("createCase").GetProperty("created").GetBoolean().ShouldBeTrue();
            numbers.Add(body.GetProperty("data").GetProperty("createCase").GetProperty("case").GetProperty("serviceRequestId").GetString()!);
        }
        var year = DateTime.UtcNow.Year;
        numbers.ShouldBe([$"{year}-999999", $"{year}-1000000", $"{year}-1000001"]);
    }
}

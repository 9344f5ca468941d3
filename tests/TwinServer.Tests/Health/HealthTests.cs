namespace DigitalTwin.Server.Tests.Health;

public sealed class HealthTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public async Task Live_answers_without_asking_the_database()
    {
        using var client = server.CreateClient();
        (await client.GetAsync("/health/live")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        await server.Database.SetOpenAsync(false);
        try
        {
            // With the database refusing every connection, the process still lives; it is only not ready.
            (await client.GetAsync("/health/live")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(System.Net.HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            await server.Database.SetOpenAsync(true);
        }
        (await client.GetAsync("/health/ready")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
    }

    [Fact]
    public async Task Ready_reports_the_database_and_its_migrations()
    {
        using var client = server.CreateClient();
        var response = await client.GetAsync("/health/ready");
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("\"database\"");
        body.ShouldContain("migrations applied");
    }
}

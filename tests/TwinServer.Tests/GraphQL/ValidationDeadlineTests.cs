using System.Net;
using System.Text;
using System.Text.Json;
using GraphQL;
using GraphQL.DI;
using GraphQL.Validation;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>
/// A server with a validation rule that sticks, as GraphQL.NET's own rules can inside one step (comparing every
/// directive or field of a document with every other): for a document whose operation is named Stuck, it blocks
/// until the test lets it go, and it looks at no cancellation token. One validation at a time, 3 s per request.
/// </summary>
public sealed class StuckValidationServer : TwinServerFactory
{
    public StuckRule Stuck { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:GraphQLTimeoutSeconds", "3");
        builder.UseSetting("Access:GraphQLParallelValidations", "1");
        builder.ConfigureServices(services => services.AddSingleton<IConfigureExecution>(new AddRule(Stuck)));
    }

    public sealed class StuckRule : ValidationRuleBase
    {
        private readonly ManualResetEventSlim letGo = new();

        public volatile bool Finished;

        public void LetGo() => letGo.Set();

        public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context)
        {
            if (context.Operation.Name?.StringValue == "Stuck")
            {
                letGo.Wait(); // deliberately blind to the request's deadline
                Finished = true;
            }
            return default;
        }
    }

    /// <summary>Adds the rule to every request's rules, before the document cache takes them (its sort order is 200).</summary>
    private sealed class AddRule(IValidationRule rule) : IConfigureExecution
    {
        public float SortOrder => 100;

        public Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
        {
            options.ValidationRules = [.. options.ValidationRules ?? DocumentValidator.CoreRules, rule];
            return next(options);
        }
    }
}

/// <summary>Validation runs under the request's deadline, as execution does; and documents that are slow to validate hold one lane, not the server.</summary>
public sealed class ValidationDeadlineTests(StuckValidationServer server) : IClassFixture<StuckValidationServer>
{
    private async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(string query)
    {
        using var client = server.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30); // ten times the server's deadline: an answer that waited for validation never comes
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql")
        {
            Content = new StringContent(JsonSerializer.Serialize(new { query }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Api-Key", await server.IntegrationKeyAsync());
        using var response = await client.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static List<string?> Codes(JsonElement body) => body.TryGetProperty("errors", out var errors)
        ? [.. errors.EnumerateArray().Select(e => e.GetProperty("extensions").GetProperty("code").GetString())]
        : [];

    /// <summary>Asks until answered with data (the first request of a fresh server may need its deadline to warm up).</summary>
    private async Task AnsweredAsync(string query)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (status, body) = await SendAsync(query);
            if (status == HttpStatusCode.OK && Codes(body).Count == 0) return;
            if (attempt == 5) throw new InvalidOperationException($"Not answered: {(int)status} {body}");
        }
    }

    [Fact]
    public async Task A_validation_that_outruns_the_deadline_is_answered_TIMEOUT_at_the_deadline()
    {
        const string known = "{ taskTypes { code } }";
        await AnsweredAsync(known); // validated and cached before anything sticks

        var (status, body) = await SendAsync("query Stuck { layers { name } }");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        Codes(body).ShouldBe(["TIMEOUT"]);
        server.Stuck.Finished.ShouldBeFalse(); // answered while its validation was still stuck

        // The one lane for new documents is held by the stuck validation: another new text waits for it only until
        // its own deadline, and a document validated before (the look-ups) does not wait at all.
        var (waited, waitedBody) = await SendAsync("{ layers { version } }");
        waited.ShouldBe(HttpStatusCode.OK, waitedBody.ToString());
        Codes(waitedBody).ShouldBe(["TIMEOUT"]);
        var (cached, cachedBody) = await SendAsync(known);
        cached.ShouldBe(HttpStatusCode.OK);
        Codes(cachedBody).ShouldBeEmpty(cachedBody.ToString());
        server.Stuck.Finished.ShouldBeFalse();

        // Once the stuck step ends, the validation left behind stops at its next node and gives the lane back.
        server.Stuck.LetGo();
        await AnsweredAsync("{ layers { name version } }");
        server.Stuck.Finished.ShouldBeTrue();
    }
}

namespace DigitalTwin.Ui.Tests;

/// <summary>GraphiQL in Chromium, signed in, under the server's content security policy: it loads and answers.</summary>
public sealed class GraphiQLBrowserTests(LoopbackSampleCity server, Browser browser) : IClassFixture<LoopbackSampleCity>, IClassFixture<Browser>
{
    [Fact]
    public async Task GraphiQL_answers_a_signed_in_person_with_nothing_blocked()
    {
        var map = new MapPage(await browser.NewPageAsync());
        await map.OpenAsync(server, role: "gis");
        await map.RunAsync("graphiql", async () =>
        {
            await map.Page.GotoAsync(new Uri(server.BaseAddress, "/graphql").ToString());
            await map.Page.WaitForSelectorAsync(".graphiql-container");
            // The session's cookie goes with GraphiQL's own requests: it reads the schema (the docs explorer lists Query).
            var answer = await map.Page.EvaluateAsync<string>("""
                async () => (await fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' },
                  body: JSON.stringify({ query: '{ taskTypes { code } }' }) })).text()
                """);
            answer.ShouldContain("graffiti");
        });
    }
}

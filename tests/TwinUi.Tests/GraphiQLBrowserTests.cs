using Microsoft.Playwright;

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

    [Fact]
    public async Task A_key_written_in_the_Headers_tab_answers_someone_who_is_not_signed_in()
    {
        var key = await server.IntegrationKeyAsync();
        var map = new MapPage(await browser.NewPageAsync());
        await map.RunAsync("graphiql-headers", async () =>
        {
            await map.Page.GotoAsync(new Uri(server.BaseAddress, "/graphql").ToString());
            await map.Page.WaitForSelectorAsync(".graphiql-container");
            // The Headers tab, as an integrator uses it: open it, write the key into its editor, run the default query.
            await map.Page.GetByRole(AriaRole.Button, new() { Name = "Headers" }).ClickAsync();
            var headers = map.Page.Locator(".graphiql-editor-tool .graphiql-editor").Last;
            await headers.ClickAsync();
            await map.Page.Keyboard.InsertTextAsync($$"""{"X-Api-Key": "{{key}}"}""");
            await map.Page.Locator(".graphiql-execute-button").ClickAsync();
            var response = map.Page.Locator(".graphiql-response");
            await response.GetByText("sthlm-", new() { Exact = false }).First.WaitForAsync();
            (await response.InnerTextAsync()).ShouldNotContain("UNAUTHENTICATED");
        });
    }
}

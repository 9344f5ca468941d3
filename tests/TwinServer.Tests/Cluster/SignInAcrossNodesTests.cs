using System.Net;

namespace DigitalTwin.Server.Tests.Cluster;

/// <summary>Two nodes behind a balancer on loopback (Access:TrustedProxies), with the guessing limit at 3 a minute.</summary>
public sealed class StrictNodes : TwinNodes
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Access:SignInsPerMinute"] = "3", ["Access:TrustedProxies:0"] = "127.0.0.1",
    };
}

/// <summary>The limit on guessing passwords holds per client across the nodes, not once per node.</summary>
public sealed class SignInAcrossNodesTests(StrictNodes nodes) : IClassFixture<StrictNodes>
{
    private static async Task<HttpStatusCode> GuessAsync(TwinNode node, string client, string username, int guess)
    {
        using var browser = TwinNodes.Browser();
        var page = await browser.GetStringAsync(node.At("/signin"));
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"(__RequestVerificationToken[^\"]*)\" value=\"([^\"]+)\"");
        using var request = new HttpRequestMessage(HttpMethod.Post, node.At("/signin"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                [token.Groups[1].Value] = WebUtility.HtmlDecode(token.Groups[2].Value), ["username"] = username, ["password"] = $"guess-{guess}", ["returnUrl"] = "/",
            }),
        };
        request.Headers.Add("X-Forwarded-For", client); // as the balancer says who the client is
        using var response = await browser.SendAsync(request);
        return response.StatusCode;
    }

    [Fact]
    public async Task Guesses_spread_over_two_nodes_are_stopped_after_the_few_a_minute_allows_in_all()
    {
        var (username, _) = await nodes.A.UserAsync("handler");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++) statuses.Add(await GuessAsync(i % 2 == 0 ? nodes.A : nodes.B, "203.0.113.7", username, i));
        statuses.Take(3).ShouldAllBe(s => s == HttpStatusCode.Redirect);
        statuses.Skip(3).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests, "refused on both nodes, not three more on each");
        // Another client behind the same balancer is not held to the first one's guesses.
        (await GuessAsync(nodes.B, "203.0.113.8", username, 99)).ShouldBe(HttpStatusCode.Redirect);
    }
}

using System.Net;
using System.Text.Json;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.Cases;
using DigitalTwin.Ui;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.Access;

/// <summary>A server that lets an address post one Open311 request a second (two at once).</summary>
public sealed class SlowOpen311Server : SampleCityServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:Open311PostsPerSecond", "1");
    }
}

/// <summary>A server that gives a GraphQL request a millisecond.</summary>
public sealed class HurriedServer : SampleCityServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Access:GraphQLTimeoutSeconds", "0.001");
    }
}

/// <summary>A request that runs too long is stopped with an error that says so, not a 500 and not a hung connection.</summary>
public sealed class GraphQLTimeoutTests(HurriedServer server) : IClassFixture<HurriedServer>
{
    [Fact]
    public async Task A_request_past_its_time_is_stopped_with_TIMEOUT()
    {
        var (status, body) = await server.GraphQLAsync("""{ coverageGaps(taskType: "graffiti") { areaSquareMetres } contractOverlaps { areaSquareMetres } }""");
        status.ShouldBe(200);
        body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString().ShouldBe("TIMEOUT");
        body.GetProperty("errors")[0].GetProperty("message").GetString()!.ShouldContain("0.001 s");
    }
}

/// <summary>Security headers on every answer, a content security policy that fits the basemap, and a brake on floods of posts.</summary>
public sealed class HardeningTests(TwinServerFactory server, SlowOpen311Server slow) : IClassFixture<TwinServerFactory>, IClassFixture<SlowOpen311Server>
{
    [Theory]
    [InlineData("/health/live")]
    [InlineData("/signin")]
    [InlineData("/graphql")]
    [InlineData("/open311/v2/services.json")]
    [InlineData("/tiles/nothing/1/1/1.mvt")]
    public async Task Every_answer_carries_the_security_headers(string path)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync(path);
        response.Headers.GetValues("X-Content-Type-Options").Single().ShouldBe("nosniff");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        policy.ShouldContain("script-src 'self';");
        policy.ShouldContain("frame-ancestors 'none'");
        response.StatusCode.ShouldNotBe(HttpStatusCode.InternalServerError);
    }

    [Fact]
    public void The_policy_lets_the_configured_basemap_in_and_nothing_else()
    {
        var none = Hardening.ContentSecurityPolicy(new MapSettings());
        none.ShouldContain("img-src 'self' data: blob:;");
        var xyz = Hardening.ContentSecurityPolicy(new MapSettings
        {
            Basemap = new Dictionary<string, object> { ["type"] = "xyz", ["url"] = "https://{a-c}.tile.example.org/{z}/{x}/{y}.png", ["attribution"] = "© x" },
        });
        xyz.ShouldContain("img-src 'self' data: blob: https://*.tile.example.org;");
        var wmts = Hardening.ContentSecurityPolicy(new MapSettings
        {
            Basemap = new Dictionary<string, object> { ["type"] = "wmts", ["capabilitiesUrl"] = "https://kartta.hel.fi/ws/geoserver/avoindata/gwc/service/wmts?request=GetCapabilities" },
        });
        wmts.ShouldContain("connect-src 'self' https://kartta.hel.fi;");
        // Text that is not a URL, or tries to break out of the header, stays out.
        Hardening.ContentSecurityPolicy(new MapSettings { Basemap = new Dictionary<string, object> { ["url"] = "https://a.example; script-src *" } })
            .ShouldNotContain("script-src *");
    }

    [Fact]
    public void Citizens_photos_come_only_from_the_origins_the_city_named_and_only_as_images()
    {
        var settings = new MapSettings { MediaOrigins = ["https://media.cityapp.example"] };
        var policy = Hardening.ContentSecurityPolicy(settings);
        policy.ShouldContain("img-src 'self' data: blob: https://media.cityapp.example;");
        policy.ShouldContain("connect-src 'self';");
        settings.ShowsMedia("https://media.cityapp.example/reports/123.jpg").ShouldBeTrue();
        settings.ShowsMedia("https://MEDIA.cityapp.example:443/x.png").ShouldBeTrue();
        settings.ShowsMedia("http://media.cityapp.example/x.png").ShouldBeFalse(); // another origin: the scheme differs
        settings.ShowsMedia("https://media.cityapp.example.evil.org/x.png").ShouldBeFalse();
        settings.ShowsMedia("javascript:alert(1)").ShouldBeFalse();
        new MapSettings().ShowsMedia("https://media.cityapp.example/x.png").ShouldBeFalse(); // none named: none shown
        new MapSettings { MediaOrigins = ["https://media.cityapp.example; script-src *"] }.Problems().ShouldHaveSingleItem().ShouldContain("Map:MediaOrigins");
        new MapSettings { MediaOrigins = ["https://media.cityapp.example/photos"] }.Problems().ShouldHaveSingleItem().ShouldContain("Map:MediaOrigins");
    }

    [Fact]
    public async Task A_flood_of_open311_posts_from_one_address_is_slowed_with_the_specifications_error()
    {
        var key = await slow.Services.GetRequiredService<ApiKeys>().CreateAsync("flood-app", "citizen-app", null, null, CancellationToken.None);
        using var client = slow.CreateClient();
        var statuses = new List<HttpStatusCode>();
        string? refusal = null;
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsync("/open311/v2/requests.json", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["api_key"] = key, ["service_code"] = "graffiti", ["lat"] = "59.305782", ["long"] = "18.076363",
            }));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refusal = await response.Content.ReadAsStringAsync();
        }
        // A burst of two, then one a second: at least two get through, and a quick six cannot all (however slow the machine,
        // six posts do not take four seconds).
        statuses.Count(s => s == HttpStatusCode.OK).ShouldBeGreaterThanOrEqualTo(2);
        statuses.ShouldContain(HttpStatusCode.TooManyRequests);
        JsonDocument.Parse(refusal!).RootElement[0].GetProperty("code").GetInt32().ShouldBe(429);
        (await slow.Database.ScalarAsync<long>("SELECT count(*) FROM cases")).ShouldBe(statuses.Count(s => s == HttpStatusCode.OK));
        // Reading is not slowed.
        (await client.GetAsync("/open311/v2/requests.json")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}

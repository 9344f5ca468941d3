using System.Net;
using DigitalTwin.ContractorSimulator;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Testing;

/// <summary>
/// Two server nodes in this process over one database (the sample city), each on its own loopback port with its own
/// pools, caches and listener, sharing nothing in memory: what a load balancer has behind it. Contractors receive
/// through a simulator on loopback, as in <see cref="CaseCityServer"/>.
/// </summary>
public class TwinNodes : IAsyncLifetime
{
    private TestDatabase? database;
    private WebApplication? simulatorApp;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Not initialised.");

    public TwinNode A { get; private set; } = null!;

    public TwinNode B { get; private set; } = null!;

    public Simulator Simulator { get; } = new(new Dictionary<string, string> { ["*"] = "nodes-secret" });

    public Uri SimulatorAddress { get; private set; } = null!;

    /// <summary>Settings of both nodes.</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>();

    /// <summary>Settings of node B only (a test that must see that only the database's word reaches it).</summary>
    protected virtual IReadOnlyDictionary<string, string> SettingsOfB => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        database = await PostgisServer.CreateDatabaseAsync("nodes", seed: SampleCityServer.SampleCity);
        simulatorApp = Simulator.Build([], Simulator);
        simulatorApp.Urls.Add("http://127.0.0.1:0");
        await simulatorApp.StartAsync();
        SimulatorAddress = new Uri(simulatorApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await database.ScalarAsync<int>(
            $"UPDATE organisations SET webhook_url = '{SimulatorAddress}webhooks/' || key, webhook_secret = 'nodes-secret', open311_endpoint = NULL, email = NULL WHERE kind = 'contractor'");
        A = new TwinNode(database, Settings);
        B = new TwinNode(database, Settings.Concat(SettingsOfB).ToDictionary());
        await ((IAsyncLifetime)A).InitializeAsync();
        await ((IAsyncLifetime)B).InitializeAsync();
        // Both at once, as nodes start behind a balancer.
        await Task.WhenAll(Task.Run(() => A.BaseAddress), Task.Run(() => B.BaseAddress));
    }

    /// <summary>A client of its own cookies, with no redirects followed, that can call either node (cookies are per host, not per port).</summary>
    public static HttpClient Browser(CookieContainer? cookies = null) =>
        new(new SocketsHttpHandler { CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false });

    /// <summary>Waits up to <paramref name="within"/> for a condition; says what did not happen.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new ShouldAssertException($"Not within {within.TotalSeconds} s: {what}");
            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        if (A is not null) await ((IAsyncLifetime)A).DisposeAsync();
        if (B is not null) await ((IAsyncLifetime)B).DisposeAsync();
        if (simulatorApp is not null) await simulatorApp.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }
}

/// <summary>One server node of <see cref="TwinNodes"/>: the real server on a loopback port, on a database it shares.</summary>
public sealed class TwinNode : TwinServerFactory
{
    private readonly TestDatabase shared;
    private readonly IReadOnlyDictionary<string, string> settings;

    public TwinNode(TestDatabase shared, IReadOnlyDictionary<string, string> settings)
    {
        (this.shared, this.settings) = (shared, settings);
        UseKestrel(0);
    }

    protected override Task<TestDatabase> CreateDatabaseAsync() => Task.FromResult(shared);

    protected override bool OwnsDatabase => false;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:FirstRetrySeconds", "0.2");
        builder.UseSetting("Outbox:MaxRetrySeconds", "0.5");
        builder.UseSetting("Outbox:PollMilliseconds", "50");
        builder.UseSetting("Outbox:TimeoutSeconds", "3");
        foreach (var (name, value) in settings) builder.UseSetting(name, value);
    }

    /// <summary>An absolute address on this node.</summary>
    public Uri At(string pathAndQuery) => new(BaseAddress, pathAndQuery);
}

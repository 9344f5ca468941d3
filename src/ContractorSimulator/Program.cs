namespace DigitalTwin.ContractorSimulator;

/// <summary>
/// The simulator on its own: ASPNETCORE_URLS says where (default http://127.0.0.1:5099, as the sample organisations'
/// webhook URLs say), SIMULATOR_SECRET the signing secret it expects from every organisation; with SIMULATOR_TWIN_URL and
/// SIMULATOR_KEYS_FILE it also reports each new case in progress, then fixed (Responder).
/// </summary>
public static class SimulatorProgram
{
    public static async Task Main(string[] args)
    {
        var secret = Environment.GetEnvironmentVariable("SIMULATOR_SECRET") ?? "demo-secret";
        var simulator = new Simulator(new Dictionary<string, string> { ["*"] = secret });
        var app = Simulator.Build(args, simulator);
        simulator.Responder = Responder.FromEnvironment(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("crew"));
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_URLS"))) app.Urls.Add("http://127.0.0.1:5099");
        await app.RunAsync();
    }
}

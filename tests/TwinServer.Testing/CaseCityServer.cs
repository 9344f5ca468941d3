using System.Net;
using DigitalTwin.ContractorSimulator;
using DigitalTwin.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Testing;

/// <summary>The sample city, with retries fast enough for a test, and a contractor simulator on loopback.</summary>
public class CaseCityServer : SampleCityServer
{
    public Simulator Simulator { get; } = new(new Dictionary<string, string> { ["*"] = "test-secret" });

    public Uri SimulatorAddress { get; private set; } = null!;

    /// <summary>Where the SMTP server on loopback (Debian's python3-aiosmtpd) keeps what it receives: a maildir.</summary>
    public string MailDir { get; } = Path.Combine(Directory.CreateTempSubdirectory("twin-mail").FullName, "maildir"); // made by the server

    private readonly int smtpPort = LoopbackPort.Take();
    private WebApplication? simulatorApp;
    private System.Diagnostics.Process? smtp;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Outbox:FirstRetrySeconds", "0.2");
        builder.UseSetting("Outbox:MaxRetrySeconds", "0.5");
        builder.UseSetting("Outbox:MaxAttempts", "4");
        builder.UseSetting("Outbox:PollMilliseconds", "50");
        builder.UseSetting("Outbox:TimeoutSeconds", "3");
        builder.UseSetting("Outbox:SmtpHost", "127.0.0.1");
        builder.UseSetting("Outbox:SmtpPort", smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task StartSmtpAsync()
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Mailbox", MailDir, "-l", $"127.0.0.1:{smtpPort}" }) start.ArgumentList.Add(a);
        smtp = System.Diagnostics.Process.Start(start)!;
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, smtpPort);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                if (smtp.HasExited)
                    throw new InvalidOperationException($"The SMTP server did not start (./twin test installs python3-aiosmtpd; by hand: apt-get install python3-aiosmtpd): {await smtp.StandardError.ReadToEndAsync()}");
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException("The SMTP server did not listen within 5 s.");
    }

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await StartSmtpAsync();
        simulatorApp = Simulator.Build([], Simulator);
        simulatorApp.Urls.Add("http://127.0.0.1:0");
        await simulatorApp.StartAsync();
        SimulatorAddress = new Uri(simulatorApp.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        await RouteContractorsAsync();
    }

    /// <summary>Every contractor of the sample receives through the simulator's webhook, signed with the test's secret.</summary>
    protected virtual Task RouteContractorsAsync() => Database.ScalarAsync<int>(
        $"UPDATE organisations SET webhook_url = '{SimulatorAddress}webhooks/' || key, webhook_secret = 'test-secret', open311_endpoint = NULL, email = NULL WHERE kind = 'contractor'");

    /// <summary>Waits up to 10 s for a condition the outbox or the simulator makes true; says what did not happen, and the outbox's state.</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        var outbox = await Database.ScalarAsync<string>("SELECT string_agg(channel || ' ' || state || ' ' || coalesce(last_error, ''), '; ') FROM outbox");
        throw new ShouldAssertException($"Not within 10 s: {what} (outbox: {outbox})");
    }

    public override async ValueTask DisposeAsync()
    {
        if (simulatorApp is not null) await simulatorApp.DisposeAsync();
        if (smtp is { HasExited: false })
        {
            smtp.Kill();
            await smtp.WaitForExitAsync();
        }
        Directory.Delete(Path.GetDirectoryName(MailDir)!, recursive: true);
        await base.DisposeAsync();
    }
}

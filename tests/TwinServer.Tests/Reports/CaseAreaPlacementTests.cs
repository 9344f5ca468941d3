using DigitalTwin.Server.Reports;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DigitalTwin.Server.Tests.Reports;

/// <summary>The placement service ends with its host however the host ends it.</summary>
public sealed class CaseAreaPlacementTests
{
    [Fact]
    public async Task Stopping_again_after_disposal_is_quiet_as_a_test_host_disposed_twice_does_it()
    {
        // WebApplicationFactory stops the host in DisposeAsync and again in Dispose, after the services were disposed:
        // a class fixture's clean-up then failed the test run at random.
        await using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var placement = new CaseAreaPlacement(dataSource, Options.Create(new ReportOptions()), NullLogger<CaseAreaPlacement>.Instance);
        await placement.StopAsync(CancellationToken.None);
        placement.Dispose();
        await placement.StopAsync(CancellationToken.None);
    }
}

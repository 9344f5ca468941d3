using DigitalTwin.Data.Database;
using Microsoft.Extensions.Options;

namespace DigitalTwin.Server.Tests.Database;

public sealed class ConnectionBudgetTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public void The_default_budget_fits_a_default_PostgreSQL_with_the_administrators_reserve_to_spare()
    {
        var budget = new ConnectionBudget();
        budget.Misfit(maxConnections: 100, superuserReserved: 3).ShouldBeNull();
        budget.Needed(3).ShouldBe(30 + 15 + 1 + 4 + 3 + 10);
    }

    [Fact]
    public void The_pools_the_server_had_before_its_budget_do_not_fit_and_the_refusal_names_what_to_change()
    {
        // Two pools of Npgsql's default 100 on a PostgreSQL of 100 connections: "too many clients" under the first burst.
        var misfit = new ConnectionBudget { ServerPool = 100, LookupPool = 100 }.Misfit(maxConnections: 100, superuserReserved: 3);
        misfit.ShouldNotBeNull();
        misfit.ShouldContain("need 218 connections");
        misfit.ShouldContain("max_connections is 100");
        misfit.ShouldContain("Database:Connections:ServerPool");
        misfit.ShouldContain("Database__Connections__ServerPool");
    }

    [Fact]
    public void Servers_that_share_the_database_each_count_with_both_pools_and_their_listening_connection()
    {
        var budget = new ConnectionBudget { Servers = 2 };
        budget.Needed(3).ShouldBe(2 * (30 + 15 + 1) + 4 + 3 + 10);
        budget.Misfit(100, 3)!.ShouldContain("2 servers' pools and listeners (2 × (30 + 15 + 1))");
    }

    [Fact]
    public void A_server_whose_pools_do_not_fit_the_database_does_not_start()
    {
        using var tooLarge = server.WithWebHostBuilder(b => b.UseSetting("Database:Connections:ServerPool", "1000"));
        Should.Throw<InvalidOperationException>(() => tooLarge.CreateClient()).Message.ShouldContain("does not fit the database");
    }

    [Fact]
    public void A_budget_out_of_its_range_stops_the_server_before_its_first_request()
    {
        using var empty = server.WithWebHostBuilder(b => b.UseSetting("Database:Connections:ServerPool", "0"));
        Should.Throw<OptionsValidationException>(() => empty.CreateClient()).Message.ShouldContain("ServerPool");
    }
}

using Microsoft.AspNetCore.Hosting;

namespace DigitalTwin.Server.Tests.Responsibility;

/// <summary>A server whose look-up pool has one connection.</summary>
public sealed class OneLookupConnectionServer : SampleCityServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Database:Connections:LookupPool", "1");
    }
}

/// <summary>
/// A look-up gives its connection back before the catalog reads a contract layer version it has not read yet, which
/// takes a connection of the same pool: look-ups waiting on that read must not be holding them all.
/// </summary>
public sealed class ContractCatalogPoolTests(OneLookupConnectionServer server) : IClassFixture<OneLookupConnectionServer>
{
    [Fact]
    public async Task Look_ups_on_a_pool_of_one_connection_answer_while_a_new_contract_layer_version_is_read()
    {
        // A contract layer no look-up has read yet: the first look-ups after it wait for the catalog to read it.
        await server.ImportLayerAsync(await server.KeyAsync("gis"), "cp-contracts", "contract", """
            {"type":"FeatureCollection","features":[
             {"type":"Feature","properties":{"id":"CP-1","contractor":"gatudrift-soder","commissioner":"trafikkontoret","task_types":"pothole"},
              "geometry":{"type":"Polygon","coordinates":[[[18.30,59.40],[18.301,59.40],[18.301,59.401],[18.30,59.401],[18.30,59.40]]]}}
            ]}
            """);
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => server.DataAsync("""
            { responsibility(objectId: "sthlm-assets:TK-BRO-0417", taskType: "graffiti") { recipient { key } } }
            """)));
        // Holding the one connection while waiting for the read would end in the pool's timeout, and in an error.
        foreach (var answer in answers)
        {
            answer.GetProperty("responsibility").GetProperty("recipient").GetProperty("key").GetString().ShouldBe("klotterfritt");
        }
    }
}

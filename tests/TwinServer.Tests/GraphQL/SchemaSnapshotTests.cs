using DigitalTwin.Server.GraphQL;
using GraphQL;
using Microsoft.Extensions.DependencyInjection;

namespace DigitalTwin.Server.Tests.GraphQL;

/// <summary>
/// The schema as other systems see it is approved in schema.graphql beside this file: a change to it must be a
/// decision, made by running the tests with TWIN_BLESS=1 and committing the new file with the change.
/// </summary>
public sealed class SchemaSnapshotTests(TwinServerFactory server) : IClassFixture<TwinServerFactory>
{
    [Fact]
    public void The_schema_is_the_approved_one()
    {
        var schema = server.Services.GetRequiredService<TwinSchema>();
        schema.Initialize();
        var printed = schema.Print(new global::GraphQL.Utilities.PrintOptions { IncludeDescriptions = true }).ReplaceLineEndings("\n").Trim() + "\n";
        var approved = Path.Combine(SampleCityServer.RepositoryRoot, "tests", "TwinServer.Tests", "GraphQL", "schema.graphql");
        if (Environment.GetEnvironmentVariable("TWIN_BLESS") == "1") File.WriteAllText(approved, printed);
        File.Exists(approved).ShouldBeTrue($"{approved} is missing: run the tests once with TWIN_BLESS=1 to write it.");
        printed.ShouldBe(File.ReadAllText(approved).ReplaceLineEndings("\n"),
            "The GraphQL schema changed. If that is intended, run the tests with TWIN_BLESS=1 and commit tests/TwinServer.Tests/GraphQL/schema.graphql.");
    }
}

using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

/// <summary>The GraphQL schema of DigitalTwin.</summary>
public sealed class TwinSchema : Schema
{
    public TwinSchema(IServiceProvider services, Query query, Mutation mutation) : base(services)
    {
        Query = query;
        Mutation = mutation;
        Description = "DigitalTwin: who is responsible for this spot, for this kind of problem, today.";
    }
}

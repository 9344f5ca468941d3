using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL;

/// <summary>The schema's changes: cases (intake, forwarding, status, rejection, replies, questions, closing, rerouting).</summary>
public sealed class Mutation : ObjectGraphType
{
    public Mutation()
    {
        Name = "Mutation";
        Description = "Changes: cases (intake, forwarding, status, rejection, replies, questions to the citizen, closing at first contact, rerouting); layers rolled back.";
        CaseFields.AddMutations(this);
        LayerFields.AddMutations(this);
    }
}

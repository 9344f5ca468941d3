using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseResolutionEnum : EnumerationGraphType
{
    public CaseResolutionEnum()
    {
        Name = "CaseResolution";
        Description = "How a handler closed a case at first contact: not the city's, already fixed, passed to the state, answered, or a duplicate.";
        foreach (var resolution in CaseResolution.All) Add(resolution.Replace('-', '_').ToUpperInvariant(), resolution);
    }
}

using DigitalTwin.Server.Access;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class AuditEntryType : ObjectGraphType<AuditEntry>
{
    public AuditEntryType()
    {
        Name = "AuditEntry";
        Description = "One line of the audit trail: a sign-in, a read of personal data, a change to a case, a layer, a user or a key.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("Where it is kept and its id there: log:N, case:N (a case's timeline) or layer:N (an import).")
            .Resolve(c => c.Source.Id);
        Field(x => x.At).Description("When.");
        Field(x => x.Actor).Description("Who: user:NAME, key:NAME, cli:USER (the local operator), system.");
        Field(x => x.Role, nullable: true).Description("The role they acted in, where known.");
        Field(x => x.Action).Description("What: signed-in, sign-in-refused, read-personal-data, case-forwarded, layer-imported, user-added, key-revoked, ...");
        Field(x => x.Subject, nullable: true).Description("What it was about: case:NUMBER, layer:NAME, a username or a key.");
        Field<NonNullGraphType<JsonGraphType>>("detail").Description("The details.").Resolve(c => c.Source.Detail);
        Field(x => x.RemoteAddress, nullable: true).Description("The address the request came from, where known.");
    }
}

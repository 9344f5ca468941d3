using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ReporterType : ObjectGraphType<Reporter>
{
    public ReporterType()
    {
        Name = "Reporter";
        Description = "Who reported a case and how to reach them: personal data.";
        Field(x => x.Email, nullable: true).Description("The address replies and the word that the case is done go to.");
        Field(x => x.FirstName, nullable: true).Description("First name, as given.");
        Field(x => x.LastName, nullable: true).Description("Last name, as given.");
        Field(x => x.Phone, nullable: true).Description("Phone number, as given.");
        Field(x => x.Consent, nullable: true).Description("Whether they agreed to be contacted at these details (noted on a call); null: not asked.");
    }
}

using DigitalTwin.Server.Cases;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CasePhotoType : ObjectGraphType<CasePhoto>
{
    public CasePhotoType()
    {
        Name = "CasePhoto";
        Description = "A photo attached to a case, served under the case's own access rules.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The photo's id.").Resolve(c => c.Source.Id);
        Field(p => p.Url).Description("Where to fetch it on this server (with the same key or session).");
        Field(p => p.ContentType).Description("image/jpeg, image/png or image/webp, as its own bytes say.");
        Field(p => p.FileName).Description("The file's name as it was attached.");
        Field(p => p.Bytes).Description("Its size in bytes.");
        Field(p => p.AddedAt).Description("When it was attached.");
    }
}

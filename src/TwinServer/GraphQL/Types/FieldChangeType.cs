using DigitalTwin.Server.Layers;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class FieldChangeType : ObjectGraphType<FieldChange>
{
    public FieldChangeType()
    {
        Name = "FieldChange";
        Description = "One field of an object whose value differs between two versions of its layer.";
        Field(f => f.Field).Description("The field: a domain field as mapping files name it (name, owner, validFrom, ...), or the source attribute's own name.");
        Field(f => f.Attribute).Description("Whether it is a source attribute (as the file had it) rather than a domain field.");
        Field<JsonGraphType>("before").Description("Its value in the older version (null: none).").Resolve(c => c.Source.Before);
        Field<JsonGraphType>("after").Description("Its value in the newer version (null: none).").Resolve(c => c.Source.After);
    }
}

using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LanguageEnum : EnumerationGraphType<Language>
{
    public LanguageEnum()
    {
        Name = "Language";
        Description = "A language of the product: Finnish, Swedish or English.";
    }
}

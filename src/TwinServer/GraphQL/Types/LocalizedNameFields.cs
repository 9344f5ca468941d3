using DigitalTwin.Server.Catalog;
using GraphQL;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

/// <summary>The name fields every named thing has: name(language) and the three translations.</summary>
internal static class LocalizedNameFields
{
    public static void AddNameFields<T>(this ObjectGraphType<T> type, Func<T, LocalizedName> name)
    {
        type.Field<StringGraphType>("name")
            .Description("The name in the asked language (default English), falling back to another language where a translation is missing.")
            .Argument<LanguageEnum>("language", "The language; English when not given.")
            .Resolve(context => name(context.Source).In(context.GetArgument("language", Language.En)));
        type.Field<StringGraphType>("nameFi").Description("The Finnish name.").Resolve(context => name(context.Source).Fi);
        type.Field<StringGraphType>("nameSv").Description("The Swedish name.").Resolve(context => name(context.Source).Sv);
        type.Field<StringGraphType>("nameEn").Description("The English name.").Resolve(context => name(context.Source).En);
    }
}

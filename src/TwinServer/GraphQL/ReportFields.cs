using System.Globalization;
using DigitalTwin.Server.Access;
using DigitalTwin.Server.GraphQL.Types;
using DigitalTwin.Server.Reports;
using GraphQL;
using GraphQL.Types;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Reports in GraphQL: <c>caseStatistics</c> and <c>caseDensity</c>. They count cases and carry no personal
/// data, so every reader may ask: handlers, GIS staff, admins and integrations over every case; a contractor's key
/// over the cases forwarded to its organisation and the rejections it made, whatever filter it sends.
/// </summary>
internal static class ReportFields
{
    public static void AddQueries(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<CaseStatisticsType>>("caseStatistics")
            .Description("Cases counted by category, district or any area layer, recipient, status, object and day, week or month, with handling times, overdue cases and rejections.")
            .Argument<CaseStatisticsFilterInputType>("filter", "Which cases.")
            .Argument<ListGraphType<NonNullGraphType<CaseDimensionEnum>>>("groupBy", "What to group by (none: only the total).")
            .Argument<StringGraphType>("areaLayer", "The area layer whose areas AREA counts in.")
            .Argument<StringGraphType>("timeZone", "Where days, weeks and months begin (an IANA name; default Reports:TimeZone).")
            .Argument<IntGraphType>("first", $"At most this many groups (default 1,000, at most {CaseStatistics.MaxGroups:N0}).")
            .WithMetadata(RoleRule.RolesKey, RoleRule.Readers)
            .ResolveAsync(async c =>
            {
                var query = new CaseStatisticsQuery(Filter(c), c.GetArgument<List<CaseDimension>?>("groupBy") ?? [])
                {
                    AreaLayer = c.GetArgument<string?>("areaLayer"),
                    TimeZone = c.GetArgument<string?>("timeZone"),
                    First = c.GetArgument<int?>("first") ?? 1000,
                    Organisation = c.User?.ContractorOrganisation(),
                    // Only what the query asks for is computed: the total, and the handling times (each a sort).
                    WithTotal = Selects(c.FieldAst.SelectionSet, "total", deep: false),
                    WithTimes = Selects(c.FieldAst.SelectionSet, "toForward", deep: true) || Selects(c.FieldAst.SelectionSet, "toDone", deep: true),
                };
                return await Reports(c).QueryAsync(query, c.CancellationToken);
            });

        query.Field<NonNullGraphType<CaseDensityType>>("caseDensity")
            .Description("Cases counted in square cells of an equal-area grid: the data of a heat map.")
            .Argument<CaseStatisticsFilterInputType>("filter", "Which cases.")
            .Argument<NonNullGraphType<FloatGraphType>>("cellMetres", "The cells' side in metres (10 to 100,000).")
            .WithMetadata(RoleRule.RolesKey, RoleRule.Readers)
            .ResolveAsync(async c =>
                await Reports(c).DensityAsync(Filter(c), c.GetArgument<double>("cellMetres"), c.User?.ContractorOrganisation(), c.CancellationToken));
    }

    private static CaseStatisticsFilter Filter(IResolveFieldContext c)
    {
        var f = c.GetArgument<Dictionary<string, object?>?>("filter") ?? [];
        static List<string>? Texts(object? value) => (value as IEnumerable<object?>)?.OfType<string>().ToList();
        return new CaseStatisticsFilter
        {
            From = f.GetValueOrDefault("from") as DateTimeOffset?,
            Until = f.GetValueOrDefault("until") as DateTimeOffset?,
            Categories = Texts(f.GetValueOrDefault("categories")),
            Statuses = Texts(f.GetValueOrDefault("statuses")),
            Recipients = Texts(f.GetValueOrDefault("recipients")),
            AreaId = f.GetValueOrDefault("area") is { } area ? Convert.ToString(area, CultureInfo.InvariantCulture) : null,
            Within = f.GetValueOrDefault("within") as string,
        };
    }

    /// <summary>Whether a selection asks for a field (deep: at any depth); a fragment is taken to ask for everything.</summary>
    private static bool Selects(GraphQLSelectionSet? selection, string name, bool deep) =>
        selection is not null && selection.Selections.Any(s => s is not GraphQLField field
            || field.Name.StringValue == name || (deep && Selects(field.SelectionSet, name, deep)));

    private static CaseStatistics Reports(IResolveFieldContext c) => c.RequestServices!.GetRequiredService<CaseStatistics>();
}

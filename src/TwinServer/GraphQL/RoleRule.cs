using System.Security.Claims;
using DigitalTwin.Server.Access;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// Who may ask which root field, checked before anything runs, on every request (a document from the cache too: it
/// may have been validated for another caller). A root field marked with <see cref="RolesKey"/> is for those roles
/// only; cases check their callers themselves, record by record (CaseFields).
/// </summary>
internal sealed class RoleRule : ValidationRuleBase
{
    public const string RolesKey = "twin.roles";

    /// <summary>Responsibility and map data: every signed-in person, contractors' and integrations' keys; not citizen apps.</summary>
    public static readonly string[] Readers = [TwinRoles.Handler, TwinRoles.Gis, TwinRoles.Admin, TwinRoles.Contractor, TwinRoles.Integration];

    public static readonly RoleRule Instance = new();

    private static readonly MatchingNodeVisitor<GraphQLField> Visitor = new((node, context) =>
    {
        if (context.TypeInfo.GetParentType() is not IObjectGraphType parent || (parent != context.Schema.Query && parent != context.Schema.Mutation)) return;
        if (context.TypeInfo.GetFieldDef() is not { } field || field.GetMetadata<string[]?>(RolesKey) is not { } roles) return;
        var caller = context.User ?? new ClaimsPrincipal();
        if (roles.Any(caller.IsInRole)) return;
        context.ReportError(new ValidationError(context.Document.Source, "roles",
            $"{field.Name} is for {string.Join(", ", roles)}; this caller is {caller.FindFirst(ClaimTypes.Role)?.Value ?? "not signed in"}.", node)
        { Code = "FORBIDDEN" });
    });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);

    /// <summary>
    /// The same check on a document validated before (from the cache), without walking all of it again: only the
    /// operation's root fields, through its fragments. Null when the caller may ask everything it asks.
    /// </summary>
    public static ExecutionError? Refusal(GraphQLDocument document, string? operationName, ISchema schema, ClaimsPrincipal? caller)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null ? operations.Count == 1 ? operations[0] : null : operations.FirstOrDefault(o => o.Name?.Value == operationName);
        if (operation is null) return null; // the executer reports a missing operation itself
        var root = operation.Operation switch { OperationType.Query => schema.Query, OperationType.Mutation => schema.Mutation, _ => null };
        if (root is null) return null;
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue, StringComparer.Ordinal);
        return Check(operation.SelectionSet, root, fragments, caller ?? new ClaimsPrincipal(), 0);
    }

    private static ExecutionError? Check(GraphQLSelectionSet selections, IObjectGraphType root, Dictionary<string, GraphQLFragmentDefinition> fragments,
        ClaimsPrincipal caller, int depth)
    {
        if (depth > 20) return null; // fragment cycles are refused by validation before a document is cached
        foreach (var selection in selections.Selections)
        {
            var refusal = selection switch
            {
                GraphQLField field when root.GetField(field.Name.StringValue)?.GetMetadata<string[]?>(RolesKey) is { } roles && !roles.Any(caller.IsInRole) =>
                    new ExecutionError($"{field.Name.StringValue} is for {string.Join(", ", roles)}; this caller is {caller.FindFirst(ClaimTypes.Role)?.Value ?? "not signed in"}.")
                    { Code = "FORBIDDEN" },
                GraphQLFragmentSpread spread when fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment) =>
                    Check(fragment.SelectionSet, root, fragments, caller, depth + 1),
                GraphQLInlineFragment inline => Check(inline.SelectionSet, root, fragments, caller, depth + 1),
                _ => null,
            };
            if (refusal is not null) return refusal;
        }
        return null;
    }
}

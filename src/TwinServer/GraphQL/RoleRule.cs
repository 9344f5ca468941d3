using System.Security.Claims;
using DigitalTwin.Server.Errors;
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
        { Code = ErrorCodes.Forbidden });
    });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);

    /// <summary>
    /// The same check on a document validated before (from the cache), without walking all of it again: only the
    /// operation's root fields, through its fragments. Null when the caller may ask everything it asks;
    /// <see cref="Undecided"/> when it cannot tell (then the document is validated afresh, with the full rule).
    /// </summary>
    public static ExecutionError? Refusal(GraphQLDocument document, string? operationName, ISchema schema, ClaimsPrincipal? caller)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        // An empty name is no name, as the executer takes it (it runs the only operation): never a way past this check.
        var operation = string.IsNullOrEmpty(operationName) ? operations.Count == 1 ? operations[0] : null
            : operations.FirstOrDefault(o => o.Name?.Value == operationName);
        if (operation is null) return Undecided; // the executer reports a missing operation; here, validate afresh
        var root = operation.Operation switch { OperationType.Query => schema.Query, OperationType.Mutation => schema.Mutation, _ => null };
        if (root is null) return Undecided;
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue, StringComparer.Ordinal);
        return Check(operation.SelectionSet, root, fragments, caller ?? new ClaimsPrincipal(), new HashSet<string>(StringComparer.Ordinal), 0);
    }

    /// <summary>
    /// What <see cref="Refusal"/> answers when it cannot tell: the caller's request is validated afresh, not served from
    /// the cache. Known by reference and never sent, so it has no code.
    /// </summary>
    public static readonly ExecutionError Undecided = new("undecided");

    private static ExecutionError? Check(GraphQLSelectionSet selections, IObjectGraphType root, Dictionary<string, GraphQLFragmentDefinition> fragments,
        ClaimsPrincipal caller, HashSet<string> seen, int depth)
    {
        // Each fragment is looked at once (the answer depends on it alone: the root type is fixed); past any sane depth, no decision.
        if (depth > 64) return Undecided;
        foreach (var selection in selections.Selections)
        {
            var refusal = selection switch
            {
                GraphQLField field when root.GetField(field.Name.StringValue)?.GetMetadata<string[]?>(RolesKey) is { } roles && !roles.Any(caller.IsInRole) =>
                    GraphQLErrors.Of(ErrorCodes.Forbidden,
                        $"{field.Name.StringValue} is for {string.Join(", ", roles)}; this caller is {caller.FindFirst(ClaimTypes.Role)?.Value ?? "not signed in"}."),
                GraphQLFragmentSpread spread when seen.Add(spread.FragmentName.Name.StringValue) =>
                    fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment) ? Check(fragment.SelectionSet, root, fragments, caller, seen, depth + 1) : Undecided,
                GraphQLInlineFragment inline => Check(inline.SelectionSet, root, fragments, caller, seen, depth + 1),
                _ => null,
            };
            if (refusal is not null) return refusal;
        }
        return null;
    }
}

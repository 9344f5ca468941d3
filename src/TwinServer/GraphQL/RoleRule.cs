using System.Security.Claims;
using DigitalTwin.Server.Access;
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
        context.ReportError(new ValidationError(context.Document.Source, "FORBIDDEN",
            $"{field.Name} is for {string.Join(", ", roles)}; this caller is {caller.FindFirst(ClaimTypes.Role)?.Value ?? "not signed in"}.", node));
    });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) => new(Visitor);
}

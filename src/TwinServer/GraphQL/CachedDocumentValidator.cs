using System.Runtime.CompilerServices;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// GraphQL.NET's validator, but for a document that passed validation before (<see cref="ValidatedDocumentCache"/>
/// runs it with no rules): GraphQL.NET then still walks the whole document at every request to find the fields that
/// take arguments, and binds them to the request's variables. Here the fields with arguments of each operation are
/// found once and kept with it; a request binds only its variables (coerced by GraphQL.NET, with its errors) and those
/// fields' arguments. An operation with fragments or directives, or any request with rules to run, goes to GraphQL.NET's
/// own validator unchanged.
/// </summary>
internal sealed class CachedDocumentValidator : IDocumentValidator
{
    private readonly DocumentValidator inner = new();

    /// <summary>Each cached operation's fields that take arguments, with their schema field; null: walked by GraphQL.NET.</summary>
    private readonly ConditionalWeakTable<GraphQLOperationDefinition, Plan> plans = [];

    public Task<IValidationResult> ValidateAsync(in ValidationOptions options)
    {
        if (options.Rules is not ICollection<IValidationRule> { Count: 0 } || options.Operation is not { } operation)
            return inner.ValidateAsync(options);
        var schema = options.Schema;
        var plan = plans.GetValue(operation, op => Plan.Of(schema, op));
        return plan.Fields is null ? inner.ValidateAsync(options) : BindAsync(options, plan.Fields);
    }

    private static async Task<IValidationResult> BindAsync(ValidationOptions options, IReadOnlyList<(GraphQLField Field, FieldType Type)> fields)
    {
        options.Schema.Initialize();
        var context = new ValidationContext
        {
            Schema = options.Schema,
            Document = options.Document,
            Operation = options.Operation,
            Variables = options.Variables,
            Extensions = options.Extensions,
            UserContext = options.UserContext,
            Metrics = options.Metrics,
            RequestServices = options.RequestServices,
            User = options.User,
            CancellationToken = options.CancellationToken,
            TypeInfo = new TypeInfo(options.Schema),
        };
        var (variables, errors) = await context.GetVariablesValuesAsync(null).ConfigureAwait(false);
        if (errors is { Count: > 0 }) return new ValidationResult(errors) { Variables = variables };
        Dictionary<GraphQLField, IDictionary<string, ArgumentValue>>? arguments = null;
        foreach (var (field, type) in fields)
        {
            try
            {
                if (ExecutionHelper.GetArguments(type.Arguments, field.Arguments, variables, options.Document, field, null) is { } bound)
                    (arguments ??= []).Add(field, bound);
            }
            catch (Exception e)
            {
                // As GraphQL.NET's own pass reports it.
                context.ReportError(new ValidationError($"Error trying to resolve field '{field.Name.Value}'.", e));
            }
        }
        return context.HasErrors
            ? new ValidationResult(context.Errors) { Variables = variables, ArgumentValues = arguments }
            : new ValidationResult([]) { Variables = variables, ArgumentValues = arguments };
    }

    private sealed class Plan
    {
        public IReadOnlyList<(GraphQLField Field, FieldType Type)>? Fields { get; private init; }

        /// <summary>The operation's fields with arguments, or no plan when it has what only GraphQL.NET's own pass handles.</summary>
        public static Plan Of(ISchema schema, GraphQLOperationDefinition operation)
        {
            schema.Initialize();
            IComplexGraphType? root = operation.Operation switch
            {
                OperationType.Query => schema.Query,
                OperationType.Mutation => schema.Mutation,
                _ => null,
            };
            var fields = new List<(GraphQLField, FieldType)>();
            return root is not null && operation.Directives is not { Count: > 0 } && Collect(schema, root, operation.SelectionSet, fields)
                ? new Plan { Fields = fields }
                : new Plan();
        }

        private static bool Collect(ISchema schema, IComplexGraphType type, GraphQLSelectionSet? selections, List<(GraphQLField, FieldType)> fields)
        {
            if (selections is null) return true;
            foreach (var selection in selections.Selections)
            {
                if (selection is not GraphQLField { Directives: not { Count: > 0 } } field) return false;
                var name = field.Name.Value;
                if (name == "__typename") continue;
                if (name.Span.StartsWith("__") || type.GetField(name) is not { } fieldType) return false;
                if (field.Arguments is { Count: > 0 }) fields.Add((field, fieldType));
                if (field.SelectionSet is null) continue;
                if (fieldType.ResolvedType?.GetNamedType() is not IObjectGraphType inner || !Collect(schema, inner, field.SelectionSet, fields)) return false;
            }
            return true;
        }
    }
}

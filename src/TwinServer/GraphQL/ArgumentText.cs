using System.Collections;
using DigitalTwin.Data.Text;
using DigitalTwin.Server.Errors;
using GraphQL;
using GraphQLParser.AST;

namespace DigitalTwin.Server.GraphQL;

/// <summary>
/// The text a request brings, checked once by the shared rule (<see cref="TextRules"/>: no NUL, no control characters
/// but tab and line breaks, no broken surrogates) before anything runs, rather than by each resolver: every string
/// literal of a document the first time it is seen (the cache keeps only documents that passed), and every string in
/// the variables of every request. A refusal is a request error, BAD_TEXT, that names where the text was: the field
/// and argument (<c>mapObjects(filter.text)</c>, <c>...Spot.responsibility(taskType)</c> in a fragment,
/// <c>taskTypes@include(if)</c>) or the variable (<c>$filter.type[2]</c>).
/// </summary>
internal static class ArgumentText
{
    /// <summary>The refusal for the first string literal of the document that the rule refuses; null when all are clean.</summary>
    public static ExecutionError? InDocument(GraphQLDocument document)
    {
        foreach (var definition in document.Definitions)
        {
            var problem = definition switch
            {
                GraphQLOperationDefinition operation => InVariableDefaults(operation) ?? InDirectives(operation.Directives, "")
                    ?? InSelections(operation.SelectionSet, ""),
                GraphQLFragmentDefinition fragment => InDirectives(fragment.Directives, $"...{fragment.FragmentName.Name.StringValue}")
                    ?? InSelections(fragment.SelectionSet, $"...{fragment.FragmentName.Name.StringValue}."),
                _ => null,
            };
            if (problem is not null) return Refusal(problem);
        }
        return null;
    }

    /// <summary>The refusal for the first string in the variables that the rule refuses; null when all are clean (or there are none).</summary>
    public static ExecutionError? InVariables(Inputs? variables)
    {
        if (variables is null || variables.Count == 0) return null;
        foreach (var (name, value) in variables)
        {
            // Paths are spelled out only for a refusal: this runs on every request, the look-ups' too.
            if (!IsClean(value)) return Refusal(InValue(value, "$" + name)!);
        }
        return null;
    }

    private static ExecutionError Refusal(string problem) => GraphQLErrors.Of(ErrorCodes.BadText, problem);

    private static string? InVariableDefaults(GraphQLOperationDefinition operation)
    {
        foreach (var variable in operation.Variables?.Items ?? [])
        {
            var name = "$" + variable.Variable.Name.StringValue;
            var problem = (variable.DefaultValue is { } value ? InLiteral(value, name) : null) ?? InDirectives(variable.Directives, name);
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? InSelections(GraphQLSelectionSet? set, string path)
    {
        if (set is null) return null;
        foreach (var selection in set.Selections)
        {
            var problem = selection switch
            {
                GraphQLField field => InField(field, path + (field.Alias?.Name ?? field.Name).StringValue),
                GraphQLInlineFragment inline => InDirectives(inline.Directives, path + "...") ?? InSelections(inline.SelectionSet, path),
                GraphQLFragmentSpread spread => InDirectives(spread.Directives, $"{path}...{spread.FragmentName.Name.StringValue}"),
                _ => null,
            };
            if (problem is not null) return problem;
        }
        return null;
    }

    private static string? InField(GraphQLField field, string path)
    {
        foreach (var argument in field.Arguments?.Items ?? [])
        {
            if (InLiteral(argument.Value, $"{path}({argument.Name.StringValue}", ")") is { } problem) return problem;
        }
        return InDirectives(field.Directives, path) ?? InSelections(field.SelectionSet, path + ".");
    }

    private static string? InDirectives(GraphQLDirectives? directives, string path)
    {
        foreach (var directive in directives?.Items ?? [])
        {
            foreach (var argument in directive.Arguments?.Items ?? [])
            {
                if (InLiteral(argument.Value, $"{path}@{directive.Name.StringValue}({argument.Name.StringValue}", ")") is { } problem) return problem;
            }
        }
        return null;
    }

    /// <summary>A literal value, into its lists and objects; <paramref name="close"/> ends the path (the argument's parenthesis).</summary>
    private static string? InLiteral(GraphQLValue value, string path, string close = "")
    {
        switch (value)
        {
            case GraphQLStringValue text when TextRules.FirstForbidden(text.Value.Span) >= 0:
                return TextRules.Problem(path + close, text.Value.ToString());
            case GraphQLListValue list:
                var i = 0;
                foreach (var item in list.Values ?? [])
                {
                    if (InLiteral(item, $"{path}[{i++}]", close) is { } problem) return problem;
                }
                return null;
            case GraphQLObjectValue obj:
                foreach (var field in obj.Fields ?? [])
                {
                    if (InLiteral(field.Value, $"{path}.{field.Name.StringValue}", close) is { } problem) return problem;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>A variable's value as the JSON reader made it (strings, numbers, booleans, objects and lists of them), without a word allocated.</summary>
    private static bool IsClean(object? value)
    {
        switch (value)
        {
            case string text:
                return TextRules.IsClean(text);
            case IEnumerable<KeyValuePair<string, object?>> obj:
                foreach (var (_, item) in obj)
                {
                    if (!IsClean(item)) return false;
                }
                return true;
            case IEnumerable list:
                foreach (var item in list)
                {
                    if (!IsClean(item)) return false;
                }
                return true;
            default:
                return true;
        }
    }

    /// <summary>Where in a variable's value the first refused text is, and why.</summary>
    private static string? InValue(object? value, string path)
    {
        switch (value)
        {
            case string text:
                return TextRules.Problem(path, text);
            case IEnumerable<KeyValuePair<string, object?>> obj:
                foreach (var (name, item) in obj)
                {
                    if (InValue(item, $"{path}.{name}") is { } problem) return problem;
                }
                return null;
            case IEnumerable list:
                var i = 0;
                foreach (var item in list)
                {
                    if (InValue(item, $"{path}[{i++}]") is { } problem) return problem;
                }
                return null;
            default:
                return null;
        }
    }
}

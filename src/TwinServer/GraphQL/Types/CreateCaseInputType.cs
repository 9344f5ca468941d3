using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CreateCaseInputType : InputObjectGraphType
{
    public CreateCaseInputType()
    {
        Name = "CreateCaseInput";
        Description = "A case a handler takes in (by phone, at the desk): what, where, and how to reach the reporter.";
        Field<NonNullGraphType<StringGraphType>>("category").Description("The task type, e.g. graffiti (taskTypes lists them).");
        Field<NonNullGraphType<PointInputType>>("at").Description("Where: a point in any supported CRS.");
        Field<StringGraphType>("objectId").Description("The map object it is about (layer:id), when the handler clicked one.");
        Field<StringGraphType>("description").Description("What the reporter says (at most 10,000 characters).");
        Field<StringGraphType>("address").Description("The address, as the reporter gives it.");
        Field<StringGraphType>("mediaUrl").Description("An http(s) URL of a photo.");
        Field<LanguageEnum>("language").Description("The reporter's language (default EN).");
        Field<CaseChannelEnum>("channel").Description("How the citizen reached the city (default OTHER): PHONE for a call, WALK_IN, EMAIL, ...");
        Field<ReporterInputType>("reporter").Description("The reporter's contact details, if they want an answer.");
        Field<StringGraphType>("clientKey").Description("A key of the caller's own: a retried createCase with the same key gives the same case.");
    }
}

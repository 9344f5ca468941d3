using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseFilterInputType : InputObjectGraphType
{
    public CaseFilterInputType()
    {
        Name = "CaseFilter";
        Description = "Which cases: every condition given must hold.";
        Field<ListGraphType<NonNullGraphType<CaseStatusEnum>>>("status").Description("Any of these statuses.");
        Field<StringGraphType>("category").Description("This task type.");
        Field<StringGraphType>("assignee").Description("Forwarded to this organisation (key).");
        Field<StringGraphType>("text").Description("Text in the description or the address.");
        Field<DateTimeOffsetGraphType>("from").Description("Received at or after.");
        Field<DateTimeOffsetGraphType>("to").Description("Received at or before.");
        Field<GeoJsonGraphType>("within").Description("Inside this GeoJSON geometry (WGS84).");
        Field<StringGraphType>("objectId").Description("About this map object (layer:id).");
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("serviceRequestIds").Description("These case numbers.");
        Field<StringGraphType>("reporter")
            .Description("Reported by this e-mail address or phone number (handlers and admins; personal data: every such search is in the audit log).");
    }
}

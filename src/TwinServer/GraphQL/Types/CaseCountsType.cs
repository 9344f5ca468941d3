using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class CaseCountsType : ObjectGraphType<CaseCounts>
{
    public CaseCountsType()
    {
        Name = "CaseCounts";
        Description = "Counts and handling times of a group of cases.";
        Field(c => c.Cases).Description("Cases.");
        Field(c => c.Open).Description("Not done or closed yet (received, assigned, forwarded, in progress, or sent back).");
        Field(c => c.Resolved).Description("Done or closed.");
        Field(c => c.Forwarded).Description("Forwarded at least once.");
        Field(c => c.FirstContact).Description("Resolved at first contact: forwarded once and never sent back, or answered and closed by the handler.");
        Field(c => c.Answered).Description("Answered and closed by the handler at first contact, without a forward.");
        Field(c => c.FirstContactRate, nullable: true).Description("firstContact / (forwarded + answered) (null: none handled).");
        Field(c => c.WithDeadline).Description("Forwarded under a contract with a response time for the category.");
        Field(c => c.Overdue).Description("Forwarded or in progress past the contract's response time, now.");
        Field(c => c.Late).Description("Done after the contract's response time.");
        Field(c => c.Rejections).Description("Times a recipient sent a case back as not theirs (in a recipient's group: the times that recipient did).");
        Field<NonNullGraphType<HandlingTimeType>>("toForward").Description("From intake to the first forward: the contact centre's time.")
            .Resolve(c => (c.Source.ForwardMedian, c.Source.ForwardP90));
        Field<NonNullGraphType<HandlingTimeType>>("toDone").Description("From the (latest) forward to done: the recipient's time.")
            .Resolve(c => (c.Source.DoneMedian, c.Source.DoneP90));
    }
}

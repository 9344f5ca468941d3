using DigitalTwin.Server.Reports;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ResponseTimeType : ObjectGraphType<ResponseTime>
{
    public ResponseTimeType()
    {
        Name = "ResponseTime";
        Description = "How soon a contractor must have done a task after it is forwarded.";
        Field(r => r.TaskType, nullable: true).Description("The task type (null: the contract's other task types).");
        Field(r => r.Hours).Description("Hours from the forward to done.");
    }
}

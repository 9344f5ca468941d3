using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class TaskTypeType : ObjectGraphType<TaskType>
{
    public TaskTypeType()
    {
        Name = "TaskType";
        Description = "A kind of maintenance task and case category (an Open311 service), such as graffiti or pothole.";
        Field(t => t.Code).Description("Stable code, e.g. graffiti.");
        this.AddNameFields(t => t.Name);
    }
}

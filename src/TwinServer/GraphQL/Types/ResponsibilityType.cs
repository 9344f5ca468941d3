using DigitalTwin.Server.Responsibility;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ResponsibilityType : ObjectGraphType<ResponsibilityAnswer>
{
    public ResponsibilityType()
    {
        Name = "Responsibility";
        Description = "Who is responsible for a spot, for a task type, on a date, and why.";
        Field(r => r.TaskType).Description("The task type asked about.");
        Field<NonNullGraphType<DateOnlyGraphType>>("on").Description("The date the answer is for.").Resolve(c => c.Source.On);
        Field(r => r.Tolerance).Description("The tolerance used, in metres.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MapObjectType>>>>("stack")
            .Description("Every object at the spot: assets, buildings, areas, parcels; nearest first, then smallest.").Resolve(c => c.Source.Stack);
        Field<MapObjectType>("target").Description("The object the case is about (null: nothing here).").Resolve(c => c.Source.Target);
        Field<OrganisationType>("landOwner").Description("The owner of the parcel under the target.").Resolve(c => MapObjectType.Organisation(c, c.Source.LandOwner));
        Field<OrganisationType>("owner").Description("The target's owner.").Resolve(c => MapObjectType.Organisation(c, c.Source.Owner));
        Field<OrganisationType>("manager").Description("The administration or company that manages the target and procures its upkeep.").Resolve(c => MapObjectType.Organisation(c, c.Source.Manager));
        Field<NonNullGraphType<ManagerSourceEnum>>("managerSource").Description("Where the manager came from.").Resolve(c => c.Source.ManagerSource);
        Field<MapObjectType>("managementArea").Description("The management area that gave the manager, when one did.").Resolve(c => c.Source.ManagementArea);
        Field<ContractType>("contract").Description("The contract for the task here on the date (null: none, or a conflict).").Resolve(c => c.Source.Contract);
        Field<SubcontractType>("subcontract").Description("The subcontract under it for the task, if any.").Resolve(c => c.Source.Subcontract);
        Field<OrganisationType>("recipient").Description("Who the case goes to.").Resolve(c => MapObjectType.Organisation(c, c.Source.Recipient));
        Field<IdGraphType>("recipientKey").Description("The recipient's organisation key.").Resolve(c => c.Source.Recipient);
        Field<NonNullGraphType<RecipientRoleEnum>>("recipientRole").Description("In which role the recipient gets it.").Resolve(c => c.Source.RecipientRole);
        Field<NonNullGraphType<BooleanGraphType>>("fallback").Resolve(c => c.Source.IsFallback).Description("True when no contractor or subcontractor is the recipient.");
        Field<NonNullGraphType<BooleanGraphType>>("conflict").Resolve(c => c.Source.HasConflict).Description("True when two or more contracts apply at the same level: a data error to fix.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ContractType>>>>("candidates")
            .Description("On a conflict, the competing contracts.").Resolve(c => c.Source.Conflicts);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<StringGraphType>>>>("explanation")
            .Description("One line per step: the layers, objects, contracts and dates used, and why any fallback.").Resolve(c => c.Source.Explanation);
    }
}

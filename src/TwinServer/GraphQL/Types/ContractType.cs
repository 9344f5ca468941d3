using DigitalTwin.Server.Responsibility;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class ContractType : ObjectGraphType<ContractMatch>
{
    public ContractType()
    {
        Name = "Contract";
        Description = "A maintenance contract: a contractor commissioned for task types over an area or a list of objects.";
        Field(c => c.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("Stable id: layer:source id.");
        Field(c => c.SourceId).Description("The contract's own id, e.g. TK-BRO-2025.");
        Field(c => c.Name, nullable: true).Description("Its name.");
        Field<OrganisationType>("contractor").Description("Who does the work.").Resolve(c => MapObjectType.Organisation(c, c.Source.Contractor));
        Field<OrganisationType>("commissioner").Description("Who procured it.").Resolve(c => MapObjectType.Organisation(c, c.Source.Commissioner));
        Field<ListGraphType<NonNullGraphType<StringGraphType>>>("taskTypes").Description("The task types it covers (null: all).").Resolve(c => c.Source.TaskTypes);
        Field<DateOnlyGraphType>("validFrom").Description("First valid day (null: open).").Resolve(c => c.Source.ValidFrom);
        Field<DateOnlyGraphType>("validTo").Description("Last valid day, inclusive (null: open).").Resolve(c => c.Source.ValidTo);
        Field(c => c.ListsTarget, nullable: true).Description("In a responsibility answer: it names the target object in its object list.");
        Field(c => c.CoversPoint, nullable: true).Description("In a responsibility answer: its area covers the point.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("objects").Description("The objects it names (layer:id), besides its area.").Resolve(c => c.Source.Covers);
        Field<GeoJsonGraphType>("area").Description("Its area as GeoJSON in WGS84 (null: it covers only named objects).").Resolve(c => c.Source.GeoJson);
        Field<FloatGraphType>("areaSquareMetres").Description("The size of its area in m².").Resolve(c => c.Source.Area);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ResponseTimeType>>>>("responseTimes")
            .Description("How soon the contractor must have done each task type after a case is forwarded.")
            .Resolve(c => MapObjectType.ResponseTimes(c, c.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SubcontractType>>>>("subcontracts").Description("The subcontracts under it.")
            .ResolveAsync(async c => await c.RequestServices!.GetRequiredService<Contracts.ContractStore>().SubcontractsAsync(c.Source, c.CancellationToken));
    }
}

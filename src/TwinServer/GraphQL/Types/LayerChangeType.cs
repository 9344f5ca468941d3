using DigitalTwin.Server.Layers;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerChangeType : ObjectGraphType<LayerChange>
{
    public LayerChangeType()
    {
        Name = "LayerChange";
        Description = "How one object differs between two versions of its layer, matched by its source id.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The object's id (layer:source id).").Resolve(c => c.Source.Id);
        Field(o => o.SourceId).Description("Its id in the source files.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayerChangeKindEnum>>>>("kinds")
            .Description("What changed: ADDED or REMOVED alone; MOVED and CHANGED each, or both.")
            .Resolve(c => Kinds(c.Source));
        Field<FloatGraphType>("moved").Description("How far it moved, in metres: the farthest any part of it moved (Hausdorff distance); null when it did not.").Resolve(c => c.Source.Moved);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FieldChangeType>>>>("fields")
            .Description("The fields and source attributes whose values differ, domain fields first.").Resolve(c => c.Source.Fields);
        Field<GeoJsonGraphType>("before").Description("Its geometry in the older version (GeoJSON, WGS84); null when it was not there or had none.").Resolve(c => c.Source.Before);
        Field<GeoJsonGraphType>("after").Description("Its geometry in the newer version (GeoJSON, WGS84); null when it is not there or has none.").Resolve(c => c.Source.After);
    }

    private static List<LayerChangeKind> Kinds(LayerChange change)
    {
        if (change.Added) return [LayerChangeKind.Added];
        if (change.Removed) return [LayerChangeKind.Removed];
        var kinds = new List<LayerChangeKind>();
        if (change.Moved is not null) kinds.Add(LayerChangeKind.Moved);
        if (change.Changed) kinds.Add(LayerChangeKind.Changed);
        return kinds;
    }
}

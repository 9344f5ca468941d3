using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerType : ObjectGraphType<Layer>
{
    public LayerType()
    {
        Name = "Layer";
        Description = "A named set of map objects of one kind, loaded from a file; each import makes a new version.";
        Field(l => l.Name).Description("The layer's name, e.g. sthlm-parcels.");
        Field(l => l.Kind).Description("parcel, building, asset, area, contract or subcontract.");
        Field(l => l.CreatedAt).Description("When the layer was first loaded.");
        Field<LayerVersionType>("current").Description("The version that serves now; null if no import has committed.").Resolve(c => c.Source.Current);
        Field<IntGraphType>("version").Description("The serving version's number.").Resolve(c => c.Source.Current?.Version);
        Field<IntGraphType>("featureCount").Description("Objects in the serving version.").Resolve(c => c.Source.Current?.FeatureCount);
        Field<StringGraphType>("sourceFile").Description("The file the serving version came from.").Resolve(c => c.Source.Current?.SourceFile);
        Field<StringGraphType>("sourceCrs").Description("The CRS of that file, e.g. EPSG:3011.").Resolve(c => c.Source.Current?.SourceCrs);
        Field<DateTimeOffsetGraphType>("loadedAt").Description("When the serving version was loaded.").Resolve(c => c.Source.Current?.LoadedAt);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<LayerVersionType>>>>("versions")
            .Description("Every version kept, newest first; past versions answer questions about past dates.")
            .Resolve(c => c.Source.Versions);
    }
}

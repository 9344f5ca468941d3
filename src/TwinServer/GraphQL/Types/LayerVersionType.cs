using DigitalTwin.Server.Catalog;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerVersionType : ObjectGraphType<LayerVersion>
{
    public LayerVersionType()
    {
        Name = "LayerVersion";
        Description = "One import (or roll back) of a layer: its source, when and by whom it was loaded, how, and while it served.";
        Field(v => v.Version).Description("1 for the first import, then 2, 3, ...");
        Field(v => v.SourceFile).Description("The file loaded.");
        Field(v => v.SourceFormat).Description("GeoJSON, Shapefile, GeoPackage or CSV.");
        Field(v => v.SourceCrs).Description("The CRS the file was in, e.g. EPSG:3879.");
        Field(v => v.Checksum).Description("SHA-256 of the source file.");
        Field(v => v.FeatureCount).Description("Objects loaded.");
        Field(v => v.SkippedCount).Description("Features skipped as invalid (only with --skip-invalid).");
        Field(v => v.RepairedCount).Description("Invalid geometries repaired (only with --make-valid).");
        Field(v => v.LoadedBy).Description("Who loaded it.");
        Field(v => v.LoadedAt).Description("When it was loaded.");
        Field(v => v.ServedFrom).Description("When this version started to serve.");
        Field(v => v.ServedUntil, nullable: true).Description("When a newer version replaced it; null while it serves.");
        Field(v => v.IsCurrent).Description("Whether this version serves now.");
        Field(v => v.Mode).Description("How it was made: replace (the file is the whole layer), append or update (the version before plus the file), or rollback (a copy of an earlier version).");
        Field(v => v.BasedOn, nullable: true).Description("An append or update: the version it was built on; a rollback: the version it copies; null for a replace.");
        Field(v => v.Filter, nullable: true).Description("The --where and --select the file was read with; null for the whole file.");
    }
}

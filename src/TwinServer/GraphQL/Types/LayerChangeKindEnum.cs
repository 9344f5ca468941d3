using DigitalTwin.Server.Layers;
using GraphQL.Types;

namespace DigitalTwin.Server.GraphQL.Types;

public sealed class LayerChangeKindEnum : EnumerationGraphType<LayerChangeKind>
{
    public LayerChangeKindEnum()
    {
        Name = "LayerChangeKind";
        Description = "ADDED: only in the newer version; REMOVED: only in the older; MOVED: its geometry moved a centimetre or more; CHANGED: a field or source attribute differs.";
    }
}

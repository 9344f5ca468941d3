using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace DigitalTwin.Importers.Mapping;

/// <summary>Reads a mapping file, JSON or YAML, as a JSON object; layers and the catalog read the same files.</summary>
internal static class MappingFile
{
    public static JsonObject Read(string path)
    {
        if (!File.Exists(path)) throw new MappingException($"{path}: the mapping file does not exist.");
        JsonNode? root;
        try
        {
            var text = File.ReadAllText(path);
            root = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? YamlToJson(text)
                : JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw new MappingException($"{path}: not valid {(path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "JSON" : "YAML")}: {e.Message}");
        }
        return root as JsonObject ?? throw new MappingException($"{path}: the mapping must be an object with a \"fields\" member.");
    }

    private static JsonNode? YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().Build().Deserialize<object?>(new StringReader(yaml));
        return JsonSerializer.SerializeToNode(graph);
    }
}

using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Emit.Elasticsearch;

namespace FlowRelay.Tests.Dashboards;

/// <summary>
/// The mappings <c>setup elasticsearch</c> installs, read from the requests the relay builds
/// (<see cref="IndexTemplates.Requests"/>), flattened to leaf field → Elasticsearch type, per data
/// stream; and the documents those mappings were generated from (the relay's own writers over
/// <see cref="TemplateSamples"/>).
/// </summary>
internal static class GeneratedMappings
{
    private static readonly EcsFieldTypes Ecs = EcsFieldTypes.Load();

    /// <summary>Data view title (index pattern) → leaf field → type.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> ByPattern { get; } = Build();

    /// <summary>Data view title → the documents the writers produced for it.</summary>
    public static IReadOnlyDictionary<string, List<JsonElement>> Documents { get; } = TemplateSamples.ByDataset()
        .ToDictionary(d => DataStreams.Pattern(d.Dataset), d => d.Documents.Select(b => JsonDocument.Parse(b).RootElement.Clone()).ToList());

    private static Dictionary<string, Dictionary<string, string>> Build()
    {
        var result = new Dictionary<string, Dictionary<string, string>>();
        var requests = IndexTemplates.Requests(Ecs, TimeSpan.FromDays(30));
        foreach (string dataset in DataStreams.Datasets)
        {
            string path = "/_component_template/" + IndexTemplates.MappingsComponent(dataset);
            // Every data stream has its generated mappings component: a dashboard field is checked against it.
            var request = Assert.Single(requests, r => r.Path == path);
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            var properties = (JsonObject)JsonNode.Parse(request.Body)!["template"]!["mappings"]!["properties"]!;
            Flatten(properties, "", fields);
            result[DataStreams.Pattern(dataset)] = fields;
        }
        return result;
    }

    private static void Flatten(JsonObject properties, string prefix, Dictionary<string, string> fields)
    {
        foreach (var (name, node) in properties)
        {
            string path = prefix.Length == 0 ? name : prefix + "." + name;
            if (node!["properties"] is JsonObject children) Flatten(children, path, fields);
            else fields[path] = (string)node["type"]!;
        }
    }
}

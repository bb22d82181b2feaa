using Xunit;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlowRelay.Tests.Dashboards;

/// <summary>The saved objects shipped in dashboards/*.ndjson, one parsed object per line.</summary>
internal static class SavedObjects
{
    public static string Folder => Path.Combine(RepoRoot.Path, "dashboards");

    public static IReadOnlyList<string> Files { get; } = Directory.GetFiles(Folder, "*.ndjson").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<JsonObject> All { get; } = Files
        .SelectMany(f => File.ReadAllLines(f).Where(l => l.Length > 0))
        .Select(l => (JsonObject)JsonNode.Parse(l)!)
        .ToList();

    public static IEnumerable<JsonObject> OfType(string type) => All.Where(o => (string?)o["type"] == type);

    public static string Id(JsonObject o) => (string)o["id"]!;

    public static JsonObject Attributes(JsonObject o) => (JsonObject)o["attributes"]!;

    /// <summary>A string attribute holding JSON (panelsJSON, optionsJSON, searchSourceJSON), parsed.</summary>
    public static JsonNode ParseEmbedded(JsonObject o, string attribute)
    {
        JsonNode? node = Attributes(o)[attribute];
        if (attribute == "searchSourceJSON") node = Attributes(o)["kibanaSavedObjectMeta"]?["searchSourceJSON"];
        Assert.True(node is JsonValue, $"{Id(o)}: attribute {attribute} must be a JSON string, as Kibana exports it");
        try
        {
            return JsonNode.Parse((string)node!)!;
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"{Id(o)}: {attribute} does not parse: {e.Message}");
        }
    }

    /// <summary>The data view (index-pattern) id a Lens object's layer reads.</summary>
    public static string LayerDataView(JsonObject lens, string layerId) =>
        (string)((JsonArray)lens["references"]!).Single(r => (string?)r!["name"] == "indexpattern-datasource-layer-" + layerId)!["id"]!;

    /// <summary>Every (layer id, column id, column) of a Lens object's form-based datasource.</summary>
    public static IEnumerable<(string Layer, string ColumnId, JsonObject Column)> Columns(JsonObject lens)
    {
        var layers = (JsonObject)Attributes(lens)["state"]!["datasourceStates"]!["formBased"]!["layers"]!;
        foreach (var (layerId, layer) in layers)
        {
            foreach (var (columnId, column) in (JsonObject)layer!["columns"]!) yield return (layerId, columnId, (JsonObject)column!);
        }
    }

    /// <summary>Every KQL query text a Lens object uses (its query, its filters' queries, per-column filters).</summary>
    public static IEnumerable<string> Queries(JsonObject lens)
    {
        var state = Attributes(lens)["state"]!;
        if ((string?)state["query"]?["query"] is { Length: > 0 } q) yield return q;
        foreach (var (_, _, column) in Columns(lens))
        {
            if ((string?)column["filter"]?["query"] is { Length: > 0 } f) yield return f;
        }
    }

    /// <summary>Fields named by the filters of a Lens object (meta.key of each filter pill).</summary>
    public static IEnumerable<string> FilterFields(JsonObject lens)
    {
        foreach (var filter in (JsonArray)Attributes(lens)["state"]!["filters"]!)
        {
            if ((string?)filter!["meta"]?["key"] is { } key) yield return key;
        }
    }
}

using System.Globalization;
using System.Net;
using System.Text.Json;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>
/// The ECS field list (name → type), loaded from the extract committed beside this file, and a
/// checker that walks an emitted document and reports every leaf that is not ECS (outside
/// <c>flowrelay.*</c>) or whose JSON value does not fit the ECS type.
/// </summary>
public sealed class EcsSchema
{
    private readonly Dictionary<string, (string Type, bool IsArray)> _fields = new(StringComparer.Ordinal);

    public static EcsSchema Load()
    {
        var schema = new EcsSchema();
        string path = Path.Combine(AppContext.BaseDirectory, "Ecs", "ecs-field-types.csv");
        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            string[] parts = line.Split(',');
            schema._fields[parts[0]] = (parts[1], parts.Length > 2 && parts[2].Contains("array"));
        }
        return schema;
    }

    public int Count => _fields.Count;

    public bool TryGetType(string field, out string type)
    {
        bool found = _fields.TryGetValue(field, out var t);
        type = t.Type;
        return found;
    }

    /// <summary>Every problem found in <paramref name="document"/>; empty when it is valid ECS.</summary>
    public List<string> Check(JsonElement document)
    {
        var problems = new List<string>();
        Walk(document, "", problems);
        return problems;
    }

    private void Walk(JsonElement element, string path, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.Object && !(_fields.TryGetValue(path, out var t0) && t0.Type is "object" or "flattened" or "geo_point"))
        {
            foreach (JsonProperty p in element.EnumerateObject())
            {
                Walk(p.Value, path.Length == 0 ? p.Name : path + "." + p.Name, problems);
            }
            return;
        }
        if (path.StartsWith("flowrelay.", StringComparison.Ordinal)) return;
        if (!_fields.TryGetValue(path, out var field))
        {
            problems.Add($"{path}: not an ECS field (custom fields belong under flowrelay.*)");
            return;
        }
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray()) CheckValue(path, field.Type, item, problems);
            return;
        }
        CheckValue(path, field.Type, element, problems);
    }

    private static void CheckValue(string path, string type, JsonElement value, List<string> problems)
    {
        bool ok = type switch
        {
            "keyword" or "constant_keyword" or "wildcard" or "match_only_text" or "text" => value.ValueKind == JsonValueKind.String,
            "ip" => value.ValueKind == JsonValueKind.String && IPAddress.TryParse(value.GetString(), out _),
            "long" or "integer" or "short" or "byte" or "unsigned_long" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _) || value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _),
            "float" or "double" or "scaled_float" or "half_float" => value.ValueKind == JsonValueKind.Number,
            "date" => value.ValueKind == JsonValueKind.String && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _),
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "object" or "flattened" or "nested" => value.ValueKind == JsonValueKind.Object,
            "geo_point" => value.ValueKind is JsonValueKind.Object or JsonValueKind.String or JsonValueKind.Array,
            _ => true,
        };
        if (!ok) problems.Add($"{path}: {value.ValueKind} value '{value}' does not fit ECS type {type}");
    }
}

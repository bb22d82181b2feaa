using System.Reflection;

namespace FlowRelay.Emit.Elasticsearch;

/// <summary>
/// ECS field name → Elasticsearch type, from the ECS extract embedded in the assembly
/// (tests/FlowRelay.Engine.Tests/Ecs/ecs-field-types.csv, itself checked against ../shared/reference/ecs-fields.csv).
/// </summary>
public sealed class EcsFieldTypes
{
    private readonly Dictionary<string, string> _types = new(StringComparer.Ordinal);

    public static EcsFieldTypes Load()
    {
        var types = new EcsFieldTypes();
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("FlowRelay.ecs-field-types.csv")
            ?? throw new InvalidOperationException("the ECS field list is not embedded in the assembly");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            string[] parts = line.Split(',');
            types._types[parts[0]] = parts[1];
        }
        return types;
    }

    public int Count => _types.Count;

    public bool TryGet(string field, out string type) => _types.TryGetValue(field, out type!);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using FlowRelay.Engine.Rules.Loading;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

public class BundledRuleTests
{
    public static IEnumerable<object[]> RuleFiles() =>
        Directory.GetFiles(BundledRules, "*.yml", SearchOption.AllDirectories).Select(f => new object[] { Path.GetRelativePath(BundledRules, f) });

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public void Every_bundled_rule_validates_against_the_Sigma_JSON_schema(string file)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(BundledRules, file))));
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        string schemaFile = root.Children.ContainsKey("correlation") ? "sigma-correlation-rules-schema.json"
            : root.Children.ContainsKey("filter") ? "sigma-filters-schema.json" : "sigma-detection-rule-schema.json";
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "Schemas", schemaFile)));
        using var doc = JsonDocument.Parse(ToJson(root)!.ToJsonString());
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        var errors = result.Details.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
        Assert.True(result.IsValid, $"{file} ({schemaFile}):\n" + string.Join("\n", errors));
    }

    [Fact]
    public void The_bundled_rule_folder_loads()
    {
        var r = RuleLoader.LoadDirectory(BundledRules);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        Assert.Equal(4, r.RuleSet!.Detections.Count(d => d.Service == "connection"));
        Assert.Equal(6, r.RuleSet.Detections.Count(d => d.Service == "dns"));
        Assert.Equal(6, r.RuleSet.Correlations.Count);
        Assert.Equal(2, r.RuleSet.FilterCount);
    }

    // YAML → JSON as a YAML 1.2 core-schema reader would type plain scalars (ints, booleans, null).
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode m => new JsonObject(m.Children.Select(kv => KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, ToJson(kv.Value)))),
        YamlSequenceNode s => new JsonArray(s.Children.Select(ToJson).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain } p when long.TryParse(p.Value, out long n) => JsonValue.Create(n),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } p => JsonValue.Create(p.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode p => JsonValue.Create(p.Value),
        _ => throw new InvalidOperationException(),
    };
}

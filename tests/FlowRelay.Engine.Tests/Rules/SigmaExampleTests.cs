using FlowRelay.Engine.Rules.Loading;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>The Sigma specification's examples: each is run or refused with a clear reason, never silently ignored.</summary>
public class SigmaExampleTests
{
    [Theory]
    [InlineData("rules_rule_1.yml", "unsupported logsource (category: -, service: application, product: windows)")]
    [InlineData("rules_rule_ecs.yml", "DNS events are not evaluated yet")]
    [InlineData("filter_filter_1.yml", "unsupported logsource (category: process_creation")]
    [InlineData("filter_filter_ecs.yml", "DNS events are not evaluated yet")]
    [InlineData("correlation_event_count.yml", "names rule '5638f7c0-ac70-491d-8465-2a65075e0d86', which is not loaded")]
    [InlineData("correlation_event_count_ecs.yml", "names rule '5638f7c0-ac70-491d-8465-2a65075e0d86', which is not loaded")]
    [InlineData("correlation_value_count.yml", "which is not loaded")]
    [InlineData("correlation_value_sum.yml", "names rule 'website_access', which is not loaded")]
    [InlineData("correlation_value_avg.yml", "names rule 'rule_a_id', which is not loaded")]
    [InlineData("correlation_temporal.yml", "names rule 'recon_cmd_a', which is not loaded")]
    [InlineData("correlation_temporal_ordered.yml", "names rule 'recon_cmd_a', which is not loaded")]
    [InlineData("correlation_value_percentile.yml", "'value_percentile' is not evaluated by FlowRelay")]
    public void Each_example_is_refused_with_its_reason(string file, string reason)
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "SigmaExamples", file));
        var r = RuleLoader.Load([(file, yaml)], new ListStore());
        var error = Assert.Single(r.Errors);
        Assert.Contains(reason, error.Message);
        Assert.Equal(file, error.File);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void The_temporal_examples_run_when_their_rules_exist_over_flow_fields()
    {
        // The spec's temporal examples with their group-by mapped to flow fields and three flow rules.
        static string Rule(string name, int port) =>
            $"title: {name}\nname: {name}\nlogsource: {{category: network, service: connection}}\ndetection:\n  sel:\n    destination.port: {port}\n  condition: sel\n";
        foreach (var (file, ordered) in new[] { ("correlation_temporal.yml", false), ("correlation_temporal_ordered.yml", true) })
        {
            var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "SigmaExamples", file))
                .Replace("- ComputerName", "- source.ip").Replace("- User", "- destination.ip");
            var set = Load(("a.yml", Rule("recon_cmd_a", 1)), ("b.yml", Rule("recon_cmd_b", 2)), ("c.yml", Rule("recon_cmd_c", 3)), (file, yaml));
            var (engine, sink) = RuleTestKit.Engine(set);
            Run(engine, Flow("10.0.0.1", "10.0.0.2", 1, Sec(0), 2), Flow("10.0.0.1", "10.0.0.2", 1, Sec(10), 1), Flow("10.0.0.1", "10.0.0.2", 1, Sec(20), 3));
            Assert.Equal(ordered ? 0 : 1, sink.Alerts.Count); // b, a, c: all three, but not in order
            Run(engine, Flow("10.0.0.1", "10.0.0.2", 1, Sec(30), 2), Flow("10.0.0.1", "10.0.0.2", 1, Sec(40), 3));
            Assert.Equal(1, sink.Alerts.Count); // ordered: a(10) → b(30) → c(40) within 5m; temporal: fired and reset, only b, c since
            Run(engine, Flow("10.0.0.1", "10.0.0.2", 1, Sec(400), 1), Flow("10.0.0.1", "10.0.0.2", 1, Sec(1000), 2), Flow("10.0.0.1", "10.0.0.2", 1, Sec(1001), 3));
            Assert.Equal(1, sink.Alerts.Count); // a is more than 5 minutes before b and c
            Assert.Equal(ordered ? "temporal_ordered" : "temporal", sink.Alerts[0].Kind);
        }
    }
}

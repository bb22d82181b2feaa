using FlowRelay.Engine.Rules.Loading;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>The Sigma specification's examples: each is run or refused with a clear reason, never silently ignored.</summary>
public class SigmaExampleTests
{
    [Theory]
    [InlineData("rules_rule_1.yml", "unsupported logsource (category: -, service: application, product: windows)")]
    [InlineData("filter_filter_1.yml", "unsupported logsource (category: process_creation")]
    [InlineData("filter_filter_ecs.yml", "names rule '6f3e2987-db24-4c78-a860-b4f4095a7095', which is not a loaded detection rule")]
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

    [Fact]
    public void The_ecs_dns_example_runs_on_dns_queries_and_its_filter_applies_to_dns_rules()
    {
        var rule = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "SigmaExamples", "rules_rule_ecs.yml"));
        var set = Load(("rules_rule_ecs.yml", rule));
        var (engine, sink) = RuleTestKit.Engine(set);
        engine.Evaluate([DnsRuleTests.Query("10.0.0.1", "www.example.com", Sec(0)), DnsRuleTests.Query("10.0.0.1", "sigmahq", Sec(1))]);
        Assert.Equal("545a5da6-f103-4919-a519-e9aec1026ee4", Assert.Single(sink.Alerts).Rule.Id);

        // The filter example names two rules; with two DNS rules of those ids it removes www.google.* from both.
        static string Rule(string id) => $"title: any {id}\nid: {id}\nlogsource: {{category: network, service: dns}}\ndetection:\n  sel:\n    dns.question.name|exists: true\n  condition: sel\n";
        var filter = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Rules", "SigmaExamples", "filter_filter_ecs.yml"));
        var (engine2, sink2) = RuleTestKit.Engine(Load(("a.yml", Rule("6f3e2987-db24-4c78-a860-b4f4095a7095")), ("b.yml", Rule("df0841c0-9846-4e9f-ad8a-7df91571771b")), ("filter_filter_ecs.yml", filter)));
        engine2.Evaluate([DnsRuleTests.Query("10.0.0.1", "www.google.com", Sec(0)), DnsRuleTests.Query("10.0.0.1", "www.example.com", Sec(1))]);
        Assert.Equal(2, sink2.Alerts.Count);
        Assert.All(sink2.Alerts, a => Assert.Equal("www.example.com", a.Fields.Single(f => f.Key == "dns.question.name").Value));
    }
}

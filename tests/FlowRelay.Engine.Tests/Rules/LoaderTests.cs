using FlowRelay.Engine.Rules.Loading;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

public class LoaderTests
{
    private const string Head = "title: t\nlogsource:\n  category: network\n  service: connection\ndetection:\n";

    private static string Error(string yaml, ListStore? lists = null)
    {
        var r = RuleLoader.Load([("bad.yml", yaml)], lists ?? new ListStore());
        Assert.False(r.IsValid);
        return Assert.Single(r.Errors).ToString();
    }

    [Fact]
    public void Unknown_field_is_refused_with_file_line_and_column() =>
        Assert.StartsWith("bad.yml:7:5: unknown field 'source.address'", Error(Head + "  sel:\n    source.address: 10.0.0.1\n  condition: sel\n"));

    [Fact]
    public void Unknown_and_unsupported_modifiers_are_refused()
    {
        Assert.Contains("unknown modifier 'startwith'", Error(Head + "  sel:\n    network.transport|startwith: t\n  condition: sel\n"));
        Assert.Contains("modifier 'base64' is not supported", Error(Head + "  sel:\n    network.transport|base64: t\n  condition: sel\n"));
    }

    [Fact]
    public void Bad_yaml_and_unknown_logsource_are_refused()
    {
        Assert.StartsWith("bad.yml:2:", Error("title: t\n  x: [\n"));
        Assert.Contains("unsupported logsource", Error("title: t\nlogsource:\n  category: process_creation\ndetection:\n  s:\n    a: 1\n  condition: s\n"));
        Assert.Contains("no list 'nope'", Error(Head + "  sel:\n    source.ip|expand|cidr: '%nope%'\n  condition: sel\n"));
        Assert.Contains("unknown search identifier 'sel2'", Error(Head + "  sel:\n    source.port: 1\n  condition: sel and sel2\n"));
    }

    [Fact]
    public void One_bad_file_refuses_the_whole_set()
    {
        var good = Head + "  sel:\n    source.port: 1\n  condition: sel\n";
        var r = RuleLoader.Load([("good.yml", good), ("bad.yml", Head + "  sel:\n    nope: 1\n  condition: sel\n")], new ListStore());
        Assert.Null(r.RuleSet);
    }

    [Fact]
    public void Correlation_referring_to_a_missing_rule_is_refused()
    {
        var corr = "title: c\ncorrelation:\n  type: event_count\n  rules: [missing]\n  group-by: [source.ip]\n  timespan: 5m\n  condition:\n    gt: 1\n";
        Assert.Contains("names rule 'missing'", Error(corr));
    }

    [Fact]
    public void Detection_modifiers_and_conditions_evaluate()
    {
        var lists = new ListStore().With("ports", "22", "3389");
        var set = Load(lists, ("r.yml", Head +
            "  ssh:\n    destination.port|expand: '%ports%'\n    network.transport: TCP\n" +
            "  big:\n    source.bytes|gte: 1000\n" +
            "  v6:\n    destination.ip|cidr: 'fd00::/8'\n" +
            "  text:\n    destination.ip|startswith: '203.0.'\n" +
            "  _helper:\n    source.port|neq: 50000\n" +
            "  condition: (ssh and not big) or (1 of v* and text) or _helper\n"));
        var (engine, sink) = RuleTestKit.Engine(set);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 10, Sec(0), dport: 22));      // ssh and not big
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 5000, Sec(1), dport: 22));    // big: no
        Run(engine, Flow("10.0.0.1", "198.51.100.1", 10, Sec(2), dport: 80));     // nothing
        Assert.Single(sink.Alerts);
        Assert.Equal("10.0.0.1", sink.Alerts[0].Host);
    }
}

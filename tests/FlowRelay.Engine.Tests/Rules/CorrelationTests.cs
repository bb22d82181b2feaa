using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>Deterministic event sequences for each correlation type, group keys, aliases and chaining.</summary>
public class CorrelationTests
{
    private const string Tcp = """
        title: tcp flows
        name: tcp
        logsource: {category: network, service: connection}
        detection:
          sel:
            network.transport: tcp
          condition: sel
        """;

    private static string Corr(string type, string body) => $"""
        title: {type} test
        name: corr_{type}
        correlation:
          type: {type}
          rules: [tcp]
        {body}
        """;

    [Fact]
    public void Event_count_counts_per_group_key()
    {
        var set = Load(("d.yml", Tcp), ("c.yml", Corr("event_count", "  group-by: [source.ip, destination.port]\n  timespan: 1m\n  condition:\n    gte: 3\n")));
        var (engine, sink) = RuleTestKit.Engine(set);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(0), 22), Flow("10.0.0.1", "203.0.113.1", 1, Sec(1), 22),
            Flow("10.0.0.1", "203.0.113.1", 1, Sec(2), 80), Flow("10.0.0.2", "203.0.113.1", 1, Sec(3), 22));
        Assert.Empty(sink.Alerts);
        Run(engine, Flow("10.0.0.1", "203.0.113.2", 1, Sec(4), 22));
        var a = Assert.Single(sink.Alerts);
        Assert.Equal([new("source.ip", "10.0.0.1"), new("destination.port", "22")], a.Fields);
        Assert.Equal(3, a.Value);
        // Tcp detection is used by a correlation, so it raises no alerts of its own.
        Assert.All(sink.Alerts, x => Assert.Equal("corr_event_count", x.Rule.Name));
    }

    [Fact]
    public void Value_count_counts_distinct_values_in_the_window()
    {
        var set = Load(("d.yml", Tcp), ("c.yml", Corr("value_count", "  group-by: [source.ip]\n  timespan: 1m\n  condition:\n    field: destination.port\n    gt: 3\n")));
        var (engine, sink) = RuleTestKit.Engine(set);
        for (int i = 0; i < 6; i++) Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(i), 22)); // one distinct port
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(10), 23), Flow("10.0.0.1", "203.0.113.1", 1, Sec(11), 24));
        Assert.Empty(sink.Alerts);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(100), 25)); // 22..24 have left the 1-minute window
        Assert.Empty(sink.Alerts);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(101), 26), Flow("10.0.0.1", "203.0.113.1", 1, Sec(102), 27), Flow("10.0.0.1", "203.0.113.1", 1, Sec(103), 28));
        var a = Assert.Single(sink.Alerts);
        Assert.Equal(4, a.Value);
    }

    [Fact]
    public void Value_avg_compares_the_mean()
    {
        var set = Load(("d.yml", Tcp), ("c.yml", Corr("value_avg", "  group-by: [source.ip]\n  timespan: 5m\n  condition:\n    field: source.bytes\n    gte: 1000\n")));
        var (engine, sink) = RuleTestKit.Engine(set);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 500, Sec(0)));
        Assert.Empty(sink.Alerts);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1500, Sec(1)));
        Assert.Equal(1000, Assert.Single(sink.Alerts).Value);
    }

    [Fact]
    public void Ranges_and_aliases_and_chaining_by_name()
    {
        var inbound = """
            title: inbound
            name: inbound
            logsource: {category: network, service: connection}
            detection:
              sel:
                destination.port: 22
              condition: sel
            """;
        var pair = """
            title: both directions
            name: pair
            correlation:
              type: event_count
              rules: [tcp, inbound]
              aliases:
                host:
                  tcp: source.ip
                  inbound: destination.ip
              group-by: [host]
              timespan: 1m
              condition:
                gte: 2
                lte: 2
            """;
        var chained = """
            title: pair twice
            correlation:
              type: event_count
              rules: [pair]
              group-by: [host]
              timespan: 1h
              condition:
                gte: 2
            """;
        var set = Load(("d.yml", Tcp.Replace("tcp flows", "tcp flows").Replace("network.transport: tcp", "network.transport: udp")), ("i.yml", inbound), ("p.yml", pair), ("c.yml", chained));
        var (engine, sink) = RuleTestKit.Engine(set);
        var udp = Flow("10.0.0.9", "203.0.113.1", 1, Sec(0), 53);
        udp.Flow.Protocol = 17;
        Run(engine, udp, Flow("203.0.113.1", "10.0.0.9", 1, Sec(1), 22));
        var a = Assert.Single(sink.Alerts);
        Assert.Equal("pair", a.Rule.Name);
        Assert.Equal("10.0.0.9", a.Host);
        udp.Flow.EndNs = Sec(100);
        Run(engine, udp, Flow("203.0.113.1", "10.0.0.9", 1, Sec(101), 22));
        Assert.Equal(3, sink.Alerts.Count);
        Assert.Equal("pair twice", sink.Alerts[2].Rule.Title);
        Assert.Equal([new("host", "10.0.0.9")], sink.Alerts[2].Fields);
    }

    [Fact]
    public void Suppression_keeps_a_group_quiet_for_the_window()
    {
        var set = Load(("d.yml", Tcp), ("c.yml", Corr("event_count", "  group-by: [source.ip]\n  timespan: 1m\n  condition:\n    gte: 1\nflowrelay:\n  suppress: 10m\n")));
        var (engine, sink) = RuleTestKit.Engine(set);
        for (int i = 0; i < 5; i++) Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(i * 60)));
        Assert.Single(sink.Alerts);
        Run(engine, Flow("10.0.0.1", "203.0.113.1", 1, Sec(601)));
        Assert.Equal(2, sink.Alerts.Count);
        Assert.Equal(4, engine.CorrelationCounters.Single().Suppressed);
    }
}

using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>Synthetic flows in event time through the bundled rules.</summary>
public class UploadReplayTests
{
    private const string Upload = "flowrelay_upload_trigger";
    private const string Repeat = "flowrelay_repeat_upload_trigger";
    private const ulong MB = 1_000_000;

    private static (RuleEngine Engine, CollectingSink Sink) Bundled(RuleEngineOptions? o = null)
    {
        var r = RuleLoader.LoadDirectory(BundledRules);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return RuleTestKit.Engine(r.RuleSet!, o);
    }

    [Fact]
    public void Upload_trips_exactly_when_the_sliding_sum_crosses_20_MB()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 20; i++) Run(engine, Flow("10.1.2.3", "203.0.113.9", MB, Sec(i * 10)));
        Assert.Empty(sink.Of(Upload)); // exactly 20 MB: not "gt"
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 1, Sec(200)));
        var alert = Assert.Single(sink.Of(Upload));
        Assert.Equal(20 * MB + 1, alert.Value);
        Assert.Equal(20_000_000, alert.Threshold);
        Assert.Equal("10.1.2.3", alert.Host);
        Assert.Equal(KeyValuePair.Create("source.ip", "10.1.2.3"), Assert.Single(alert.Fields));
        Assert.Equal(21, alert.EventCount);
    }

    [Fact]
    public void An_upload_split_across_a_fixed_5_minute_boundary_still_counts()
    {
        var (engine, sink) = Bundled();
        // 12 MB in the two minutes before 10:05:00 and 12 MB in the two after: a fixed 5-minute
        // bucket would see 12 + 12 separately; the sliding window sees 24 within 4 minutes.
        for (int i = 0; i < 12; i++) Run(engine, Flow("10.1.2.3", "203.0.113.9", MB, Sec(180 + i * 10)));
        Assert.Empty(sink.Of(Upload));
        for (int i = 0; i < 12; i++) Run(engine, Flow("10.1.2.3", "203.0.113.9", MB, Sec(300 + i * 10)));
        var alert = Assert.Single(sink.Of(Upload));
        Assert.Equal(Sec(300 + 8 * 10), alert.TimeNs); // the 21st MB
    }

    [Fact]
    public void Bytes_older_than_the_window_do_not_count()
    {
        var (engine, sink) = Bundled();
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 15 * MB, Sec(0)));
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 15 * MB, Sec(301)));
        Assert.Empty(sink.Of(Upload));
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 6 * MB, Sec(400)));
        Assert.Single(sink.Of(Upload));
    }

    [Fact]
    public void Downloads_internal_traffic_and_excluded_destinations_raise_nothing()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 10; i++)
        {
            Run(engine,
                Flow("203.0.113.9", "10.1.2.4", 10 * MB, Sec(i)),     // download (external source)
                Flow("10.1.2.3", "10.9.9.9", 10 * MB, Sec(i)),        // internal to internal
                Flow("10.1.2.3", "192.0.2.10", 10 * MB, Sec(i)),      // backup server (filter)
                Flow("10.1.2.3", "198.51.100.7", 10 * MB, Sec(i)));   // update CDN (filter)
        }
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public void Third_upload_alert_in_a_day_trips_the_repeat_rule_and_raises_the_threat_index()
    {
        var (engine, sink) = Bundled();
        for (int upload = 0; upload < 3; upload++)
        {
            Run(engine, Flow("10.1.2.3", "203.0.113.9", 21 * MB, Sec(upload * 3600)));
            Assert.Equal(upload + 1, sink.Of(Upload).Count);
            Assert.Equal(upload == 2 ? 1 : 0, sink.Of(Repeat).Count);
        }
        var repeat = sink.Of(Repeat).Single();
        Assert.Equal(3, repeat.Value);
        Assert.Equal("10.1.2.3", repeat.Host);
        Assert.True(repeat.RiskScore > 90, $"score {repeat.RiskScore}");
        Assert.Contains(sink.Alerts, a => a.Kind == "threat_index" && a.Rule.Id == "flowrelay-threat-index-critical");
        Assert.Equal(4, sink.Risks.Count);
    }

    [Fact]
    public void A_60_MB_upload_raises_three_upload_alerts()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 60; i++) Run(engine, Flow("10.1.2.3", "203.0.113.9", MB, Sec(i)));
        Assert.Equal(2, sink.Of(Upload).Count); // 21 + 21 MB consumed, 18 MB left over
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 3 * MB, Sec(61)));
        Assert.Equal(3, sink.Of(Upload).Count);
        Assert.Single(sink.Of(Repeat));
    }

    [Fact]
    public void Late_flows_within_the_lateness_count_later_ones_are_dropped()
    {
        var (engine, sink) = Bundled(new RuleEngineOptions { Lateness = TimeSpan.FromMinutes(2) });
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 15 * MB, Sec(600)));
        // Arrives after a flow 60 s newer, but its own time is inside the window: counts.
        Run(engine, Flow("10.9.9.9", "203.0.113.9", 1, Sec(660)));
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 6 * MB, Sec(590)));
        Assert.Single(sink.Of(Upload));
        // More than 2 minutes behind the newest event time: dropped and counted.
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 30 * MB, Sec(500)));
        Assert.Single(sink.Of(Upload));
        Assert.Equal(1, engine.CorrelationCounters.Single(c => c.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226").LateDropped);
    }

    [Fact]
    public void A_late_flow_completes_a_window_that_already_slid_past()
    {
        var (engine, sink) = Bundled(new RuleEngineOptions { Lateness = TimeSpan.FromMinutes(10) });
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 15 * MB, Sec(0)));
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 1, Sec(400)));  // window now (100 s, 400 s]
        Run(engine, Flow("10.1.2.3", "203.0.113.9", 6 * MB, Sec(60))); // within 5 min of the 15 MB
        Assert.Single(sink.Of(Upload));
    }

    [Fact]
    public void State_stays_bounded_under_a_flood_of_distinct_hosts()
    {
        var (engine, _) = Bundled(new RuleEngineOptions { MaxGroups = 1000 });
        var batch = new FlowEvent[1000];
        for (int b = 0; b < 50; b++)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                int n = b * batch.Length + i;
                batch[i] = Flow($"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", "203.0.113.9", 1000, Sec(n * 0.001));
            }
            engine.Evaluate(batch);
        }
        var c = engine.CorrelationCounters.Single(x => x.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226");
        Assert.True(c.Groups <= 1000, $"groups {c.Groups}");
        Assert.True(c.Evicted > 0);
        Assert.Equal(50_000, c.Groups + c.Evicted + c.Expired);
    }
}

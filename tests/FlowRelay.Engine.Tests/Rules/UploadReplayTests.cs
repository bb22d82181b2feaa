using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Loading;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

/// <summary>
/// Synthetic flows in event time through the real enrichers (default settings, as the relay runs
/// them) and then the bundled rules: the pipeline's path, so the rules are tested on the fields
/// enrichment really sets (network.direction, host.ip, flowrelay.upload.bytes).
/// </summary>
public sealed class UploadReplayTests : IDisposable
{
    private const string Upload = "flowrelay_upload_trigger";
    private const string Repeat = "flowrelay_repeat_upload_trigger";
    private const ulong MB = 1_000_000;
    // Public addresses: the documentation ranges (RFC 5737) are special-purpose, so inside by default.
    private const string Internet = "93.184.216.34";
    private const string InternetClient = "45.79.10.20";

    private readonly IFlowEnricher[] _enrichers = DefaultEnrichers();
    private string? _tempRules;

    public void Dispose()
    {
        if (_tempRules is not null) Directory.Delete(_tempRules, true);
    }

    private static (RuleEngine Engine, CollectingSink Sink) Bundled(RuleEngineOptions? o = null, string? dir = null)
    {
        var r = RuleLoader.LoadDirectory(dir ?? BundledRules);
        Assert.True(r.IsValid, string.Join("\n", r.Errors));
        return RuleTestKit.Engine(r.RuleSet!, o);
    }

    private int Run(RuleEngine engine, params FlowEvent[] events) => RunEnriched(engine, _enrichers, events);

    [Fact]
    public void Upload_trips_exactly_when_the_sliding_sum_crosses_20_MB()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 20; i++) Run(engine, Flow("10.1.2.3", Internet, MB, Sec(i * 10)));
        Assert.Empty(sink.Of(Upload)); // exactly 20 MB: not "gt"
        Run(engine, Flow("10.1.2.3", Internet, 1, Sec(200)));
        var alert = Assert.Single(sink.Of(Upload));
        Assert.Equal(20 * MB + 1, alert.Value);
        Assert.Equal(20_000_000, alert.Threshold);
        Assert.Equal("10.1.2.3", alert.Host);
        Assert.Equal(KeyValuePair.Create("host.ip", "10.1.2.3"), Assert.Single(alert.Fields));
        Assert.Equal(21, alert.EventCount);
    }

    [Fact]
    public void An_external_client_pulling_25_MB_from_an_internal_server_in_a_biflow_is_an_upload_by_the_server()
    {
        var (engine, sink) = Bundled();
        // IPFIX biflow (RFC 5103): the external client started the connection (forward = its
        // 200 kB of requests), the 25 MB the internal server sent back are the reverse counters.
        Run(engine, Biflow(InternetClient, "10.1.2.3", 200_000, 25 * MB, Sec(60), dport: 443));
        var alert = Assert.Single(sink.Of(Upload));
        Assert.Equal("10.1.2.3", alert.Host);
        Assert.Equal(KeyValuePair.Create("host.ip", "10.1.2.3"), Assert.Single(alert.Fields));
        Assert.Equal(25 * MB, alert.Value);
        Assert.Equal(20, alert.RiskScore);
        Assert.Contains(sink.Risks, r => r.Host == "10.1.2.3");
    }

    [Fact]
    public void An_internal_host_downloading_25_MB_raises_nothing()
    {
        var (engine, sink) = Bundled();
        // Biflow: the internal client asks (200 kB forward) and receives 25 MB (reverse).
        Run(engine, Biflow("10.1.2.4", Internet, 200_000, 25 * MB, Sec(60)));
        // The same download as two one-way records (NetFlow v9 / uniflow IPFIX).
        Run(engine, Flow(Internet, "10.1.2.5", 25 * MB, Sec(61), dport: 50000), Flow("10.1.2.5", Internet, 200_000, Sec(61)));
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public void An_upload_sent_back_over_a_connection_the_outside_started_is_still_an_upload()
    {
        var (engine, sink) = Bundled();
        // One-way records of a connection the external side opened: the internal host's reply
        // record (source internal, 25 MB) is the upload, whatever the ports say.
        Run(engine, Flow(InternetClient, "10.1.2.3", 100_000, Sec(10), dport: 8443), Flow("10.1.2.3", InternetClient, 25 * MB, Sec(10), dport: 50000));
        Assert.Equal("10.1.2.3", Assert.Single(sink.Of(Upload)).Host);
    }

    [Fact]
    public void An_upload_split_across_a_fixed_5_minute_boundary_still_counts()
    {
        var (engine, sink) = Bundled();
        // 12 MB in the two minutes before 10:05:00 and 12 MB in the two after: a fixed 5-minute
        // bucket would see 12 + 12 separately; the sliding window sees 24 within 4 minutes.
        for (int i = 0; i < 12; i++) Run(engine, Flow("10.1.2.3", Internet, MB, Sec(180 + i * 10)));
        Assert.Empty(sink.Of(Upload));
        for (int i = 0; i < 12; i++) Run(engine, Flow("10.1.2.3", Internet, MB, Sec(300 + i * 10)));
        var alert = Assert.Single(sink.Of(Upload));
        Assert.Equal(Sec(300 + 8 * 10), alert.TimeNs); // the 21st MB
    }

    [Fact]
    public void Bytes_older_than_the_window_do_not_count()
    {
        var (engine, sink) = Bundled();
        Run(engine, Flow("10.1.2.3", Internet, 15 * MB, Sec(0)));
        Run(engine, Flow("10.1.2.3", Internet, 15 * MB, Sec(301)));
        Assert.Empty(sink.Of(Upload));
        Run(engine, Flow("10.1.2.3", Internet, 6 * MB, Sec(400)));
        Assert.Single(sink.Of(Upload));
    }

    [Fact]
    public void Downloads_and_internal_traffic_raise_nothing()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 10; i++)
        {
            Run(engine,
                Flow(Internet, "10.1.2.4", 10 * MB, Sec(i), dport: 50000), // download (one-way record)
                Flow("10.1.2.3", "10.9.9.9", 10 * MB, Sec(i)),              // internal to internal
                Flow("10.1.2.3", "192.168.7.7", 10 * MB, Sec(i)));           // internal to internal
        }
        Assert.Empty(sink.Alerts);
    }

    [Fact]
    public void Excluded_peers_raise_nothing_in_either_direction_other_peers_still_do()
    {
        // The shipped lists hold documentation addresses (inside by default); put public ones in a copy.
        _tempRules = Path.Combine(Path.GetTempPath(), "flowrelay-rules-" + Guid.NewGuid().ToString("N"));
        foreach (var f in Directory.GetFiles(BundledRules, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(_tempRules, Path.GetRelativePath(BundledRules, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
        File.WriteAllText(Path.Combine(_tempRules, "lists", "backup_servers.txt"), "93.184.216.10/32\n");
        File.WriteAllText(Path.Combine(_tempRules, "lists", "update_cdn_ranges.txt"), "151.101.0.0/16\n");
        var (engine, sink) = Bundled(dir: _tempRules);
        for (int i = 0; i < 10; i++)
        {
            var batch = new[]
            {
                Flow("10.1.2.3", "93.184.216.10", 10 * MB, Sec(i)),                    // to the backup server
                Biflow("93.184.216.10", "10.1.2.3", 10_000, 10 * MB, Sec(i), dport: 22), // the backup server pulls
                Flow("10.1.2.3", "151.101.1.1", 10 * MB, Sec(i)),                      // update CDN
            };
            Run(engine, batch);
            // Each excluded flow says which filter took it out: the flow documents carry it (flowrelay.excluded_by).
            Assert.All(batch, e => Assert.Equal("flowrelay_exclude_backup_and_update_servers", e.ExcludedBy));
        }
        Assert.Empty(sink.Alerts);
        var counted = new[] { Flow("10.1.2.3", Internet, 21 * MB, Sec(20)) };
        Run(engine, counted);
        Assert.Single(sink.Of(Upload));
        Assert.Null(counted[0].ExcludedBy);
        int outbound = engine.Rules.Detections.ToList().FindIndex(d => d.Info.Name == "flowrelay_outbound_internal_to_internet");
        Assert.Equal(30, engine.ExcludedOf(outbound));
        Assert.Equal(1, engine.MatchesOf(outbound));
    }

    [Fact]
    public void Third_upload_alert_in_a_day_trips_the_repeat_rule_and_raises_the_threat_index()
    {
        var (engine, sink) = Bundled();
        for (int upload = 0; upload < 3; upload++)
        {
            // Alternate a plain upload and one carried in a biflow's reverse counters: both count.
            Run(engine, upload % 2 == 0
                ? Flow("10.1.2.3", Internet, 21 * MB, Sec(upload * 3600))
                : Biflow(InternetClient, "10.1.2.3", 10_000, 21 * MB, Sec(upload * 3600)));
            Assert.Equal(upload + 1, sink.Of(Upload).Count);
            Assert.Equal(upload == 2 ? 1 : 0, sink.Of(Repeat).Count);
        }
        var repeat = sink.Of(Repeat).Single();
        Assert.Equal(3, repeat.Value);
        Assert.Equal("10.1.2.3", repeat.Host);
        Assert.Equal(KeyValuePair.Create("host.ip", "10.1.2.3"), Assert.Single(repeat.Fields));
        Assert.True(repeat.RiskScore > 90, $"score {repeat.RiskScore}");
        Assert.Contains(sink.Alerts, a => a.Kind == "threat_index" && a.Rule.Id == "flowrelay-threat-index-critical");
        Assert.Equal(4, sink.Risks.Count);
    }

    [Fact]
    public void A_60_MB_upload_raises_three_upload_alerts()
    {
        var (engine, sink) = Bundled();
        for (int i = 0; i < 60; i++) Run(engine, Flow("10.1.2.3", Internet, MB, Sec(i)));
        Assert.Equal(2, sink.Of(Upload).Count); // 21 + 21 MB consumed, 18 MB left over
        Run(engine, Flow("10.1.2.3", Internet, 3 * MB, Sec(61)));
        Assert.Equal(3, sink.Of(Upload).Count);
        Assert.Single(sink.Of(Repeat));
    }

    [Fact]
    public void Late_flows_within_the_lateness_count_later_ones_are_dropped()
    {
        var (engine, sink) = Bundled(new RuleEngineOptions { Lateness = TimeSpan.FromMinutes(2) });
        Run(engine, Flow("10.1.2.3", Internet, 15 * MB, Sec(600)));
        // Arrives after a flow 60 s newer, but its own time is inside the window: counts.
        Run(engine, Flow("10.9.9.9", Internet, 1, Sec(660)));
        Run(engine, Flow("10.1.2.3", Internet, 6 * MB, Sec(590)));
        Assert.Single(sink.Of(Upload));
        // More than 2 minutes behind the newest event time: dropped and counted.
        Run(engine, Flow("10.1.2.3", Internet, 30 * MB, Sec(500)));
        Assert.Single(sink.Of(Upload));
        Assert.Equal(1, engine.CorrelationCounters.Single(c => c.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226").LateDropped);
    }

    [Fact]
    public void A_late_flow_completes_a_window_that_already_slid_past()
    {
        var (engine, sink) = Bundled(new RuleEngineOptions { Lateness = TimeSpan.FromMinutes(10) });
        Run(engine, Flow("10.1.2.3", Internet, 15 * MB, Sec(0)));
        Run(engine, Flow("10.1.2.3", Internet, 1, Sec(400)));  // window now (100 s, 400 s]
        Run(engine, Flow("10.1.2.3", Internet, 6 * MB, Sec(60))); // within 5 min of the 15 MB
        Assert.Single(sink.Of(Upload));
    }

    [Fact]
    public void Eviction_takes_the_least_recently_seen_hosts_and_keeps_a_busy_one()
    {
        var (engine, sink) = Bundled(new RuleEngineOptions { MaxGroups = 20 });
        Run(engine, Flow("10.9.9.9", Internet, 15 * MB, Sec(0)));
        for (int i = 0; i < 19; i++) Run(engine, Flow($"10.0.0.{i + 1}", Internet, 1000, Sec(1 + i * 0.01)));
        Run(engine, Flow("10.9.9.9", Internet, 1000, Sec(2))); // the busy host is now the most recent
        for (int i = 0; i < 10; i++) Run(engine, Flow($"10.0.1.{i + 1}", Internet, 1000, Sec(3 + i * 0.01))); // forces evictions
        var c = engine.CorrelationCounters.Single(x => x.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226");
        Assert.True(c.Evicted > 0);
        Run(engine, Flow("10.9.9.9", Internet, 6 * MB, Sec(4))); // 21 MB within 5 minutes only if its window survived
        Assert.Single(sink.Of(Upload));
    }

    [Fact]
    public void With_many_groups_a_host_updated_from_the_oldest_eighth_survives_evictions()
    {
        // Past 64 groups a group moves to the newest end only once it has drifted into the oldest
        // eighth (CorrelationState.Touch). The busy host is the oldest of 800 when it uploads again,
        // so it must move up and outlive the 100 evictions that follow.
        var (engine, sink) = Bundled(new RuleEngineOptions { MaxGroups = 800 });
        Run(engine, Flow("10.9.9.9", Internet, 15 * MB, Sec(0)));
        var batch = new FlowEvent[799];
        for (int i = 0; i < batch.Length; i++) batch[i] = Flow($"10.0.{i >> 8}.{i & 255}", Internet, 1000, Sec(1 + i * 0.001));
        RunEnriched(engine, _enrichers, batch);
        Run(engine, Flow("10.9.9.9", Internet, 1000, Sec(2)));
        var flood = new FlowEvent[100];
        for (int i = 0; i < flood.Length; i++) flood[i] = Flow($"10.1.0.{i + 1}", Internet, 1000, Sec(3 + i * 0.001));
        RunEnriched(engine, _enrichers, flood);
        var c = engine.CorrelationCounters.Single(x => x.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226");
        Assert.Equal(100, c.Evicted);
        Run(engine, Flow("10.9.9.9", Internet, 6 * MB, Sec(4))); // 21 MB within 5 minutes only if its window survived
        Assert.Equal("10.9.9.9", Assert.Single(sink.Of(Upload)).Host);
    }

    [Fact]
    public void A_group_object_reused_for_a_new_host_starts_empty()
    {
        // Two groups at most: the third host takes over the evicted first host's state object.
        var (engine, sink) = Bundled(new RuleEngineOptions { MaxGroups = 2 });
        Run(engine, Flow("10.0.0.1", Internet, 15 * MB, Sec(0)));
        Run(engine, Flow("10.0.0.2", Internet, 1000, Sec(1)));
        Run(engine, Flow("10.0.0.3", Internet, 6 * MB, Sec(2)));  // evicts 10.0.0.1: its 15 MB must not carry over
        Run(engine, Flow("10.0.0.1", Internet, 6 * MB, Sec(3)));  // back, with its 15 MB gone (counted as evicted)
        Assert.Empty(sink.Of(Upload));
        Run(engine, Flow("10.0.0.1", Internet, 15 * MB, Sec(4))); // 6 + 15 > 20 MB in its new window
        Assert.Equal("10.0.0.1", Assert.Single(sink.Of(Upload)).Host);
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
                batch[i] = Flow($"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", Internet, 1000, Sec(n * 0.001));
            }
            RunEnriched(engine, _enrichers, batch);
        }
        var c = engine.CorrelationCounters.Single(x => x.RuleId == "6ded69dc-31ec-4a4d-821c-01f620ca8226");
        Assert.True(c.Groups <= 1000, $"groups {c.Groups}");
        Assert.True(c.Evicted > 0);
        Assert.Equal(50_000, c.Groups + c.Evicted + c.Expired);
    }
}

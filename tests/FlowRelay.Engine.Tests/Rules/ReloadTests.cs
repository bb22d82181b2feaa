using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using static FlowRelay.Engine.Tests.Rules.RuleTestKit;

namespace FlowRelay.Engine.Tests.Rules;

public sealed class ReloadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "flowrelay-rules-" + Guid.NewGuid().ToString("N"));

    public ReloadTests()
    {
        foreach (var f in Directory.GetFiles(BundledRules, "*", SearchOption.AllDirectories))
        {
            var to = Path.Combine(_dir, Path.GetRelativePath(BundledRules, f));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(f, to);
        }
    }

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_good_edit_applies_and_keeps_the_windows_a_bad_one_is_refused_and_the_rules_stay()
    {
        var sink = new CollectingSink();
        var log = new List<string>();
        var stage = new SigmaRuleStage(_dir, new RuleEngineOptions(), new ThreatIndex(new ThreatIndexOptions()), [sink], log.Add, TimeSpan.Zero);
        stage.Evaluate(Enriched(Flow("10.1.2.3", "93.184.216.34", 15_000_000, Sec(0))));

        // Exclude 93.184.216.34 from now on? No: exclude another address; the upload window must survive the reload.
        File.AppendAllText(Path.Combine(_dir, "lists", "backup_servers.txt"), "192.0.2.11/32\n");
        var first = stage.Engine;
        Assert.Empty(stage.ReloadIfChanged());
        Assert.NotSame(first, stage.Engine);
        Assert.Equal(stage.Engine.Rules.Correlations.Count, stage.Engine.KeptOnReload); // every bundled correlation
        stage.Evaluate(Enriched(Flow("10.1.2.3", "93.184.216.34", 6_000_000, Sec(10))));
        Assert.Single(sink.Alerts, a => a.Rule.Name == "flowrelay_upload_trigger");

        File.WriteAllText(Path.Combine(_dir, "network", "broken.yml"), "title: broken\nlogsource: {category: network, service: connection}\ndetection:\n  sel:\n    source.ipp: 1\n  condition: sel\n");
        var running = stage.Engine;
        var errors = stage.ReloadIfChanged();
        Assert.Contains(errors, e => e.ToString().StartsWith("network/broken.yml:5:5: unknown field 'source.ipp'", StringComparison.Ordinal));
        Assert.Same(running, stage.Engine);
        Assert.Contains(log, l => l.Contains("refused, previous rules stay active"));
        stage.Evaluate(Enriched(Flow("10.1.2.3", "93.184.216.34", 21_000_000, Sec(20))));
        Assert.Equal(2, sink.Alerts.Count(a => a.Rule.Name == "flowrelay_upload_trigger"));
    }

    [Fact]
    public void A_folder_that_does_not_load_stops_the_start_with_every_error()
    {
        File.WriteAllText(Path.Combine(_dir, "network", "broken.yml"), "title: [unclosed\n");
        var e = Assert.Throws<InvalidOperationException>(() =>
            new SigmaRuleStage(_dir, new RuleEngineOptions(), new ThreatIndex(new ThreatIndexOptions()), [], _ => { }, TimeSpan.Zero));
        Assert.Contains("network/broken.yml:", e.Message);
    }
}

using FlowRelay.Engine.Counters;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage's figures for <c>stats.json</c> (section <c>rules</c>): rules loaded, events
/// evaluated, detection matches, alerts, suppressed alerts, correlation state (groups held,
/// capacity, expired, evicted) and late events dropped, plus reloads. Event, match and alert
/// totals run across reloads; correlation figures are those of the running correlations (a
/// correlation kept on reload keeps its figures with its windows). Read from the stats thread:
/// the values are plain fields the pipeline thread writes, slightly stale at worst.
/// </summary>
public sealed class RuleStageCounters(SigmaRuleStage stage) : ICounterSource
{
    /// <inheritdoc />
    public string CounterSection => "rules";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters()
    {
        var engine = stage.Engine;
        var rules = engine.Rules;
        long groups = 0, late = 0, expired = 0, evicted = 0, suppressed = engine.DetectionSuppressed;
        int correlations = 0;
        foreach (var c in engine.CorrelationCounters)
        {
            correlations++;
            groups += c.Groups;
            late += c.LateDropped;
            expired += c.Expired;
            evicted += c.Evicted;
            suppressed += c.Suppressed;
        }
        long matches = stage.PreviousMatches;
        long excluded = stage.PreviousExcluded;
        for (int d = 0; d < rules.Detections.Count; d++)
        {
            matches += engine.MatchesOf(d);
            excluded += engine.ExcludedOf(d);
        }
        return
        [
            new("detection_rules", rules.Detections.Count),
            new("correlation_rules", rules.Correlations.Count),
            new("filters", rules.FilterCount),
            new("dns_detection_rules", rules.Detections.Count(d => d.Service == "dns")),
            new("events_evaluated", stage.PreviousEvents + engine.EventsEvaluated),
            new("dns_events_evaluated", stage.PreviousDnsEvents + engine.DnsEventsEvaluated),
            new("matches", matches),
            new("excluded", excluded),
            new("alerts", stage.PreviousAlerts + engine.Alerts),
            new("alerts_suppressed", suppressed),
            new("correlation_groups", groups),
            new("correlation_groups_capacity", (long)correlations * engine.MaxGroupsPerCorrelation),
            new("correlation_groups_expired", expired),
            new("correlation_groups_evicted", evicted),
            new("late_events_dropped", late),
            new("reloads", stage.Reloads),
            new("reloads_refused", stage.ReloadsRefused),
        ];
    }
}

using FlowRelay.Engine.Counters;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// Events each detection rule of the running rule set matched (section <c>rules.matches_per_rule</c>,
/// one counter per rule, named by the rule's <c>name</c> or else its <c>id</c>; totals run
/// across reloads for rules that keep their id).
/// </summary>
public sealed class RuleMatchCounters(SigmaRuleStage stage) : ICounterSource
{
    /// <inheritdoc />
    public string CounterSection => "rules.matches_per_rule";

    /// <inheritdoc />
    public IEnumerable<KeyValuePair<string, long>> ReadCounters()
    {
        var engine = stage.Engine;
        var detections = engine.Rules.Detections;
        var result = new List<KeyValuePair<string, long>>(detections.Count);
        for (int d = 0; d < detections.Count; d++)
        {
            var info = detections[d].Info;
            result.Add(new(info.Name ?? info.Id, stage.PreviousMatchesOf(info.Id) + engine.MatchesOf(d)));
        }
        return result;
    }
}

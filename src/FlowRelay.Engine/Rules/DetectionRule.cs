using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Detection;

namespace FlowRelay.Engine.Rules;

/// <summary>A compiled Sigma detection rule over flow events, with the filters that name it already applied.</summary>
public sealed class DetectionRule
{
    public DetectionRule(RuleInfo info, Matcher<FlowEvent> matcher)
    {
        Info = info;
        Matcher = matcher;
    }

    public RuleInfo Info { get; }

    /// <summary>The rule's condition, and-not each filter that names it.</summary>
    public Matcher<FlowEvent> Matcher { get; internal set; }

    /// <summary>Ids of the filters applied to this rule.</summary>
    public List<string> Filters { get; } = [];
}

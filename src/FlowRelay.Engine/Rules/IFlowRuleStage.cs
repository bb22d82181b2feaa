using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage for flows: the Sigma engine (<see cref="SigmaRuleStage"/>), or a pass-through
/// (<see cref="PassThroughRuleStage"/>) when rules are disabled.
/// </summary>
public interface IFlowRuleStage
{
    /// <summary>Evaluates the rules over a batch; returns the number of alerts raised. Events a filter excluded from a rule are marked (<see cref="FlowEvent.ExcludedBy"/>).</summary>
    int Evaluate(Span<FlowEvent> events);
}

/// <summary>The rules stage for DNS queries (the same engine and rules as flows, fed from the DNS pipeline's thread).</summary>
public interface IDnsRuleStage
{
    /// <summary>Evaluates the rules over a batch of DNS queries; returns the number of alerts raised.</summary>
    int Evaluate(Span<DnsEvent> events);
}

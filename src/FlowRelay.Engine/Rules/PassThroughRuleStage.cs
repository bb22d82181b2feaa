using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage before the Sigma engine exists (issue 5): evaluates nothing and raises no
/// alert, so the pipeline runs Decode → Enrich → Rules → Emit in its final shape.
/// </summary>
public sealed class PassThroughRuleStage : IFlowRuleStage
{
    /// <inheritdoc />
    public int Evaluate(ReadOnlySpan<FlowEvent> events) => 0;
}

using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage when <c>rules.enabled</c> is false: evaluates nothing and raises no alert, so
/// the pipeline keeps its Decode → Enrich → Rules → Emit shape.
/// </summary>
public sealed class PassThroughRuleStage : IFlowRuleStage
{
    /// <inheritdoc />
    public int Evaluate(Span<FlowEvent> events) => 0;
}

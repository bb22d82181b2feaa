using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// The rules stage for flows. Issue 5 brings the Sigma engine; until then the stage is a
/// pass-through (<see cref="PassThroughRuleStage"/>) so the pipeline already has its final shape.
/// </summary>
public interface IFlowRuleStage
{
    /// <summary>Evaluates the rules over a batch; returns the number of alerts raised.</summary>
    int Evaluate(ReadOnlySpan<FlowEvent> events);
}

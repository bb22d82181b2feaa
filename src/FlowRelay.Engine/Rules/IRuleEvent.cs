using FlowRelay.Engine.Rules.Fields;

namespace FlowRelay.Engine.Rules;

/// <summary>
/// An event type rules run on (a Sigma logsource): flows (<c>network/connection</c>) and DNS
/// queries (<c>network/dns</c>). The engine is generic over it, so each type keeps its own
/// allocation-free field table and nothing is boxed or looked up by name while events flow.
/// </summary>
public interface IRuleEvent<T> where T : struct, IRuleEvent<T>
{
    /// <summary>The fields rules may name, and the logsource they serve.</summary>
    static abstract FieldTable<T> Fields { get; }

    /// <summary>Event time in Unix nanoseconds: what windows slide on.</summary>
    static abstract long EventTime(in T e);

    /// <summary>What an alert quotes as its evidence for this event (a flow's Community ID, a query's name), or null.</summary>
    static abstract string? Sample(in T e);

    /// <summary>What <see cref="Sample"/> returns, as the alert document names it (<c>flowrelay.alert.sample.&lt;kind&gt;</c>).</summary>
    static abstract string SampleKind { get; }

    /// <summary>The fields a single-event (detection) alert carries.</summary>
    static abstract string[] AlertFields { get; }

    /// <summary>Records on the event that a Sigma filter removed it from a rule it matched (ECS documents carry it as <c>flowrelay.excluded_by</c>).</summary>
    static abstract void MarkExcluded(ref T e, string filter);

    /// <summary>The address field a detection alert names as its host unless the rule says otherwise.</summary>
    static abstract string DefaultHostField { get; }
}

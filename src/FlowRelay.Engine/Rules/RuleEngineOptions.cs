namespace FlowRelay.Engine.Rules;

/// <summary>Limits and tolerances of the streaming engine.</summary>
public sealed class RuleEngineOptions
{
    /// <summary>
    /// How far behind the newest event time (per correlation) an event may arrive and still be
    /// counted. Flow exporters send a long flow when its active timeout fires (often 1–30 min),
    /// so records arrive out of order; later than this they are dropped and counted.
    /// </summary>
    public TimeSpan Lateness { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most group keys one correlation tracks; beyond this the least recently updated group (to within an eighth of the groups) makes room, counted as expired or evicted.</summary>
    public int MaxGroups { get; init; } = 50_000;

    /// <summary>Most distinct values a value_count group remembers.</summary>
    public int MaxDistinctValues { get; init; } = 10_000;
}

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>The state of one group key of one correlation.</summary>
internal sealed class CorrelationGroup(GroupKey key, string[] keyText, SlidingWindow window)
{
    public GroupKey Key { get; } = key;

    /// <summary>Neighbours in the correlation's recency list (<see cref="Newer"/> toward the most recently updated).</summary>
    public CorrelationGroup? Newer, Older;

    public string[] KeyText { get; } = keyText;
    public SlidingWindow Window { get; } = window;

    /// <summary>value_count: value → newest bucket it was seen in.</summary>
    public Dictionary<KeyPart, long>? Distinct { get; set; }

    /// <summary>temporal: newest time each referenced rule was seen; temporal_ordered: when each step of the chain completed.</summary>
    public long[]? Seen { get; set; }

    /// <summary>temporal_ordered: start time of the chain that reached each step.</summary>
    public long[]? ChainStart { get; set; }

    public long LastSeenNs { get; set; }
    public long LastAlertNs { get; set; } = long.MinValue;
}

namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>The state of one group key of one correlation.</summary>
internal sealed class CorrelationGroup(GroupKey key, string[] keyText, SlidingWindow window)
{
    public GroupKey Key { get; private set; } = key;

    /// <summary>Neighbours in the correlation's recency list (<see cref="Newer"/> toward the most recently updated).</summary>
    public CorrelationGroup? Newer, Older;

    public string[] KeyText { get; private set; } = keyText;

    /// <summary>
    /// Makes this object the state of another key (the group it held was just evicted), keeping
    /// its window's arrays: under more hosts than <c>rules.max_groups</c> every new group would
    /// otherwise allocate its state, and the churn fills generation 2.
    /// </summary>
    public void Reuse(GroupKey key, string[] keyText)
    {
        Key = key;
        KeyText = keyText; // a new array: alerts already raised keep the old one
        Window.Clear();
        Distinct?.Clear();
        if (Seen is not null) Array.Fill(Seen, long.MinValue);
        if (ChainStart is not null) Array.Fill(ChainStart, long.MinValue);
        LastSeenNs = 0;
        LastAlertNs = long.MinValue;
        Newer = Older = null;
        Stamp = 0;
    }

    /// <summary>
    /// The window, held inline (a struct field, reached with <c>ref</c>): one object less to fetch
    /// per event when 100,000 hosts' windows do not fit in cache.
    /// </summary>
    public SlidingWindow Window = window;

    /// <summary>The key's hash in the correlation's <see cref="GroupTable"/>.</summary>
    public int Hash;

    /// <summary>The correlation's relink count when this group last moved to the newest end of the recency list.</summary>
    public long Stamp;

    /// <summary>value_count: value → newest bucket it was seen in.</summary>
    public Dictionary<KeyPart, long>? Distinct { get; set; }

    /// <summary>temporal: newest time each referenced rule was seen; temporal_ordered: when each step of the chain completed.</summary>
    public long[]? Seen { get; set; }

    /// <summary>temporal_ordered: start time of the chain that reached each step.</summary>
    public long[]? ChainStart { get; set; }

    public long LastSeenNs { get; set; }
    public long LastAlertNs { get; set; } = long.MinValue;
}

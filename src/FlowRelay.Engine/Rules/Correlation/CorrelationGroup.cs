namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>The state of one group key of one correlation.</summary>
internal sealed class CorrelationGroup(string[] keyText, SlidingWindow window)
{
    public string[] KeyText { get; } = keyText;
    public SlidingWindow Window { get; } = window;

    /// <summary>value_count: value → newest bucket it was seen in.</summary>
    public Dictionary<KeyPart, long>? Distinct { get; set; }

    public long LastSeenNs { get; set; }
    public long LastAlertNs { get; set; } = long.MinValue;
}

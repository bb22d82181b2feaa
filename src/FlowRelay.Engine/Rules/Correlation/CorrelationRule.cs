namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>A parsed Sigma correlation rule (before it is linked to the rules it counts).</summary>
public sealed class CorrelationRule
{
    public required RuleInfo Info { get; init; }

    public required CorrelationType Type { get; init; }

    /// <summary>Ids or names of the detection or correlation rules this one counts.</summary>
    public required IReadOnlyList<string> Rules { get; init; }

    /// <summary>Fields (or alias names) that split the count into groups.</summary>
    public required IReadOnlyList<string> GroupBy { get; init; }

    public required TimeSpan Timespan { get; init; }

    public required CorrelationCondition Condition { get; init; }

    /// <summary><c>condition.field</c> for value_count/value_sum/value_avg.</summary>
    public string? ValueField { get; init; }

    /// <summary><c>aliases</c>: alias → (rule name → field in that rule's events).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Aliases { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary><c>generate: true</c>: the referenced rules also raise their own alerts.</summary>
    public bool Generate { get; init; }
}

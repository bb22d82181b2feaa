using FlowRelay.Engine.Rules;
using FlowRelay.Engine.Rules.Correlation;

namespace FlowRelay.Engine.Alerts;

/// <summary>
/// One alert: which rule, when (event time), about which group (the group-by fields and their
/// values), and the figures that tripped it. Allocated only when a rule fires.
/// </summary>
public sealed class Alert
{
    public required RuleInfo Rule { get; init; }

    /// <summary>Event time of the event that tripped the rule, Unix nanoseconds.</summary>
    public required long TimeNs { get; init; }

    /// <summary>The group key (or, for a single-event alert, the event's identifying fields) as (ECS field, value).</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Fields { get; init; }

    /// <summary>Correlation type (event_count, value_sum, ...) or "detection" / "threat_index".</summary>
    public required string Kind { get; init; }

    /// <summary>The aggregated figure (count, sum, distinct count, mean) when the rule is a correlation.</summary>
    public double? Value { get; init; }

    /// <summary>The correlation condition, e.g. "gt 20000000".</summary>
    public string? Condition { get; init; }

    /// <summary>The threshold from the condition.</summary>
    public long? Threshold { get; init; }

    /// <summary>The correlation timespan.</summary>
    public TimeSpan? Timespan { get; init; }

    /// <summary>Events counted in the window.</summary>
    public long EventCount { get; init; }

    /// <summary>Start of the window (event time, Unix ns), when the rule is a correlation.</summary>
    public long? WindowStartNs { get; init; }

    /// <summary>The host the alert is about (its address as text), for the threat index.</summary>
    public string? Host { get; init; }

    /// <summary>Evidence from the events behind the alert (bounded sample): flows' Community IDs, DNS queries' "name type".</summary>
    public IReadOnlyList<string> Sample { get; init; } = [];

    /// <summary>What <see cref="Sample"/> holds: <c>community_id</c> (flows) or <c>dns_question</c> (DNS queries); it names the document field.</summary>
    public string SampleKind { get; init; } = "community_id";

    /// <summary>Threat index of <see cref="Host"/> after this alert, when it changed it.</summary>
    public double? RiskScore { get; set; }

    /// <summary>The group key by value, for correlations that count this alert.</summary>
    internal GroupKey Key { get; init; }

    /// <summary>The group key's values as text, in group-by order.</summary>
    internal string[] KeyText { get; init; } = [];

    /// <summary>One line for logs: "[high] title: source.ip=10.0.0.5 value=21000000 (gt 20000000 in 5m)".</summary>
    public string Message
    {
        get
        {
            var fields = string.Join(" ", Fields.Select(f => $"{f.Key}={f.Value}"));
            var figures = (Value, Condition) switch
            {
                ({ } v, { } c) => $" value={v:0.##} ({c} in {Format(Timespan)})",
                ({ } v, null) => $" score={v:0.##} (threshold {Threshold})",
                _ => "",
            };
            return $"[{Rule.Level}] {Rule.Title}: {fields}{figures} rule={Rule.Id}";
        }
    }

    private static string Format(TimeSpan? t) => t switch
    {
        null => "",
        { } s when s.TotalDays >= 1 && s.TotalDays % 1 == 0 => $"{s.TotalDays}d",
        { } s when s.TotalHours >= 1 && s.TotalHours % 1 == 0 => $"{s.TotalHours}h",
        { } s when s.TotalMinutes >= 1 && s.TotalMinutes % 1 == 0 => $"{s.TotalMinutes}m",
        { } s => $"{s.TotalSeconds}s",
    };
}

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
            char[] buffer = new char[256];
            int written;
            while (!TryFormatMessage(buffer, out written)) buffer = new char[buffer.Length * 2];
            return new string(buffer, 0, written);
        }
    }

    /// <summary>
    /// Writes <see cref="Message"/> into <paramref name="destination"/> without allocating (the CEF
    /// output's msg); false when it does not fit. Numbers are formatted with the current culture,
    /// as string interpolation formats them. Each piece is appended by hand: the interpolated-string
    /// handler boxes doubles until the JIT has optimised it.
    /// </summary>
    public bool TryFormatMessage(Span<char> destination, out int written)
    {
        var m = new MessageText(destination);
        m.Add("[");
        m.Add(Rule.Level);
        m.Add("] ");
        m.Add(Rule.Title);
        m.Add(": ");
        for (int i = 0; i < Fields.Count; i++)
        {
            if (i > 0) m.Add(" ");
            m.Add(Fields[i].Key);
            m.Add("=");
            m.Add(Fields[i].Value);
        }
        if (Value is { } v)
        {
            if (Condition is { } c)
            {
                m.Add(" value=");
                m.Add(v, "0.##");
                m.Add(" (");
                m.Add(c);
                m.Add(" in ");
                AddSpan(ref m, Timespan);
                m.Add(")");
            }
            else
            {
                m.Add(" score=");
                m.Add(v, "0.##");
                m.Add(" (threshold ");
                if (Threshold is { } threshold) m.Add(threshold);
                m.Add(")");
            }
        }
        m.Add(" rule=");
        m.Add(Rule.Id);
        written = m.Position;
        return m.Fits;
    }

    /// <summary>"1d", "24h"-style text of a correlation timespan ("" for none).</summary>
    private static void AddSpan(ref MessageText m, TimeSpan? t)
    {
        if (t is not { } s) return;
        if (s.TotalDays >= 1 && s.TotalDays % 1 == 0)
        {
            m.Add(s.TotalDays, null);
            m.Add("d");
        }
        else if (s.TotalHours >= 1 && s.TotalHours % 1 == 0)
        {
            m.Add(s.TotalHours, null);
            m.Add("h");
        }
        else if (s.TotalMinutes >= 1 && s.TotalMinutes % 1 == 0)
        {
            m.Add(s.TotalMinutes, null);
            m.Add("m");
        }
        else
        {
            m.Add(s.TotalSeconds, null);
            m.Add("s");
        }
    }

    /// <summary>Appends to a span; remembers when something did not fit.</summary>
    private ref struct MessageText(Span<char> destination)
    {
        private readonly Span<char> _destination = destination;
        public int Position;
        public bool Fits = true;

        public void Add(string? text)
        {
            if (text is null || !Fits) return;
            if (!text.AsSpan().TryCopyTo(_destination[Position..])) Fits = false;
            else Position += text.Length;
        }

        public void Add(double value, string? format)
        {
            if (!Fits) return;
            if (value.TryFormat(_destination[Position..], out int n, format)) Position += n;
            else Fits = false;
        }

        public void Add(long value)
        {
            if (!Fits) return;
            if (value.TryFormat(_destination[Position..], out int n)) Position += n;
            else Fits = false;
        }
    }
}

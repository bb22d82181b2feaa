namespace FlowRelay.Engine.Rules.Correlation;

/// <summary>
/// A correlation <c>condition</c>: one or more of gt, gte, lt, lte, eq, neq, all of which must
/// hold (Sigma correlation spec, "Condition": several criteria make a range).
/// </summary>
public sealed class CorrelationCondition
{
    public long? Gt { get; init; }
    public long? Gte { get; init; }
    public long? Lt { get; init; }
    public long? Lte { get; init; }
    public long? Eq { get; init; }
    public long? Neq { get; init; }

    /// <summary>True when <paramref name="v"/> satisfies every criterion.</summary>
    public bool Test(double v) =>
        (Gt is not { } gt || v > gt) && (Gte is not { } gte || v >= gte) && (Lt is not { } lt || v < lt) &&
        (Lte is not { } lte || v <= lte) && (Eq is not { } eq || v == eq) && (Neq is not { } neq || v != neq);

    /// <summary>The threshold to report in alerts (the lower bound when there is one).</summary>
    public long Threshold => Gt ?? Gte ?? Eq ?? Lt ?? Lte ?? Neq ?? 0;

    /// <summary>"gt 20000000", "gte 1 and lte 5", for alert messages.</summary>
    public override string ToString()
    {
        var parts = new List<string>();
        if (Gt is { } a) parts.Add($"gt {a}");
        if (Gte is { } b) parts.Add($"gte {b}");
        if (Lt is { } c) parts.Add($"lt {c}");
        if (Lte is { } d) parts.Add($"lte {d}");
        if (Eq is { } e) parts.Add($"eq {e}");
        if (Neq is { } f) parts.Add($"neq {f}");
        return string.Join(" and ", parts);
    }
}

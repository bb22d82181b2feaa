namespace FlowRelay.Engine.Risk;

/// <summary>
/// Threat index settings. Level thresholds default to Elastic's entity risk score bands
/// (low ≥ 20, moderate ≥ 40, high ≥ 70, critical ≥ 90), so the numbers read the same in Kibana.
/// </summary>
public sealed class ThreatIndexOptions
{
    /// <summary>A score halves over this much event time with no new alert.</summary>
    public TimeSpan HalfLife { get; init; } = TimeSpan.FromHours(24);

    public double Low { get; init; } = 20;
    public double Moderate { get; init; } = 40;
    public double High { get; init; } = 70;
    public double Critical { get; init; } = 90;

    /// <summary>Most hosts tracked; the lowest scores are forgotten beyond this (counted).</summary>
    public int MaxHosts { get; init; } = 100_000;

    public RiskLevel LevelOf(double score) =>
        score >= Critical ? RiskLevel.Critical : score >= High ? RiskLevel.High : score >= Moderate ? RiskLevel.Moderate : score >= Low ? RiskLevel.Low : RiskLevel.Unknown;
}

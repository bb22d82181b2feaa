namespace FlowRelay.Engine.Risk;

/// <summary>Threat index levels, lowest first (names as Elastic entity risk scoring uses them, lower case).</summary>
public enum RiskLevel
{
    Unknown,
    Low,
    Moderate,
    High,
    Critical,
}

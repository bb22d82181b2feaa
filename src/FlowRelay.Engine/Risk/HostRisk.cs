namespace FlowRelay.Engine.Risk;

/// <summary>A host's threat index at a moment: written as ECS <c>host.risk.*</c> when it changes.</summary>
public sealed record HostRisk(string Host, double Score, RiskLevel Level, long TimeNs, string RuleId);

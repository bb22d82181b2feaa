namespace FlowRelay.Engine.Rules.Loading;

/// <summary>A loaded rule set, or the errors that refused it (never both).</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleError> Errors)
{
    public bool IsValid => RuleSet is not null && Errors.Count == 0;
}

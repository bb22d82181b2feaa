using FlowRelay.Engine.Rules.Detection;
using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>A Sigma filter (filters spec): events its condition matches are removed from the named rules.</summary>
internal abstract record SigmaFilter(RuleInfo Info, IReadOnlyList<string> Rules, Mark At)
{
    /// <summary>The logsource service of the events it filters.</summary>
    public abstract string Service { get; }
}

/// <summary>A filter over events of type <typeparamref name="T"/>.</summary>
internal sealed record SigmaFilter<T>(RuleInfo Info, IReadOnlyList<string> Rules, Matcher<T> Matcher, Mark At) : SigmaFilter(Info, Rules, At)
    where T : struct, IRuleEvent<T>
{
    public override string Service => T.Fields.Service;
}

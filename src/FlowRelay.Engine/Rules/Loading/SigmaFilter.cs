using FlowRelay.Engine.Events;
using FlowRelay.Engine.Rules.Detection;
using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>A Sigma filter (filters spec): events its condition matches are removed from the named rules.</summary>
internal sealed record SigmaFilter(RuleInfo Info, IReadOnlyList<string> Rules, Matcher<FlowEvent> Matcher, Mark At);

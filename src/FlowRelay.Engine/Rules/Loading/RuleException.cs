using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>Thrown while compiling one YAML document; the loader turns it into a <see cref="RuleError"/>.</summary>
internal sealed class RuleException(Mark at, string message) : Exception(message)
{
    public Mark At { get; } = at;
}

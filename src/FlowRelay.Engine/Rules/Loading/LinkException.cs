using YamlDotNet.Core;

namespace FlowRelay.Engine.Rules.Loading;

/// <summary>A rule that compiled on its own but does not fit the set (unknown reference, duplicate id, cycle).</summary>
internal sealed class LinkException(string file, Mark at, string message) : Exception(message)
{
    public string File { get; } = file;
    public Mark At { get; } = at;
}

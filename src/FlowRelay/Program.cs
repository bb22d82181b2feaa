using FlowRelay.Cli;

namespace FlowRelay;

/// <summary>Entry point of the <c>flowrelay</c> command.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => FlowRelayCli.InvokeAsync(args);
}

using BenchmarkDotNet.Running;

namespace FlowRelay.Benchmarks;

/// <summary>Entry point: <c>dotnet run -c Release --project tests/FlowRelay.Benchmarks -- --filter '*' --job short</c>.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

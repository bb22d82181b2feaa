namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>The golden captures committed under tests/FlowRelay.Protocols.Tests/Captures (made by scripts/make-captures.sh), copied next to the test assembly.</summary>
public static class Captures
{
    public static string Path(string name)
    {
        var path = System.IO.Path.Combine(AppContext.BaseDirectory, "Captures", name);
        if (!File.Exists(path)) throw new FileNotFoundException("golden capture missing (run scripts/make-captures.sh)", path);
        return path;
    }
}

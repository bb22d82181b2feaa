namespace FlowRelay.Tests;

/// <summary>Finds the repository root (the folder holding FlowRelay.sln) from the test's output folder.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "FlowRelay.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("FlowRelay.sln not found above " + AppContext.BaseDirectory);
    }
}

using System.Text;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>The pinned-output check the document writers' golden tests share.</summary>
internal static class GoldenFile
{
    /// <summary>
    /// Fails unless <paramref name="actual"/> is line for line the golden file <paramref name="fileName"/>
    /// (copied beside the tests under Ecs/), naming the first line that differs. When the environment
    /// variable <paramref name="writeVariable"/> holds a path, <paramref name="actual"/> is first written
    /// there: how the file is regenerated after an intended change, for review as a diff.
    /// </summary>
    public static void AssertMatches(string fileName, string actual, string writeVariable)
    {
        if (Environment.GetEnvironmentVariable(writeVariable) is { Length: > 0 } path)
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
        }
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Ecs", fileName), Encoding.UTF8);
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            Assert.True(e[i] == a[i], $"line {i + 1} differs:\nexpected {e[i]}\nactual   {a[i]}");
        }
        Assert.Equal(e.Length, a.Length);
    }
}

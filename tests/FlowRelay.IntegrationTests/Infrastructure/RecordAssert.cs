using Xunit.Sdk;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>Multiset equality of record lines with a failure message that shows the records that differ in full.</summary>
public static class RecordAssert
{
    public static void Same(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string expectedName, string actualName)
    {
        if (Difference(expected, actual, expectedName, actualName) is { } difference) throw new XunitException(difference);
    }

    /// <summary>Null when the two multisets are equal, otherwise a description of the records that differ.</summary>
    public static string? Difference(IReadOnlyList<string> expected, IReadOnlyList<string> actual, string expectedName, string actualName)
    {
        var missing = Minus(expected, actual);
        var extra = Minus(actual, expected);
        if (missing.Count == 0 && extra.Count == 0) return null;
        return $"{expectedName}: {expected.Count} records, {actualName}: {actual.Count} records\n" +
            $"only in {expectedName} ({missing.Count}):\n  {string.Join("\n  ", missing)}\n" +
            $"only in {actualName} ({extra.Count}):\n  {string.Join("\n  ", extra)}";
    }

    private static List<string> Minus(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var left = b.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<string>();
        foreach (var x in a)
        {
            if (left.TryGetValue(x, out int n) && n > 0) left[x] = n - 1;
            else result.Add(x);
        }
        return result;
    }
}

using System.Diagnostics;

namespace FlowRelay.Tests;

/// <summary>Polls a condition until it holds or a deadline passes (bounded waits, no fixed sleeps).</summary>
internal static class Eventually
{
    public static async Task<bool> HoldsAsync(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (condition()) return true;
            await Task.Delay(50);
        }
        return condition();
    }
}

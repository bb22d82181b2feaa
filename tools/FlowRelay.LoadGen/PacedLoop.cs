using System.Diagnostics;

namespace FlowRelay.LoadGen;

/// <summary>
/// Paces work to a rate by batches: each turn it does every unit that is due by now, then sleeps
/// about a millisecond. No per-unit sleep, so rates far above the timer's resolution are reachable.
/// </summary>
public static class PacedLoop
{
    /// <summary>
    /// Calls <paramref name="send"/> until <paramref name="duration"/> has passed, keeping the
    /// total of what it returns (units, e.g. records) at <paramref name="unitsPerSecond"/> (0: unpaced).
    /// </summary>
    public static void Run(double unitsPerSecond, TimeSpan duration, Func<long> send, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        long done = 0;
        while (!cancel.IsCancellationRequested)
        {
            var elapsed = clock.Elapsed;
            if (elapsed >= duration) break;
            if (unitsPerSecond <= 0)
            {
                for (int i = 0; i < 256; i++) done += send();
                continue;
            }
            double due = unitsPerSecond * elapsed.TotalSeconds;
            // Catch up at most 50 ms of backlog at once, so one stall does not become a burst that overflows the receiver.
            double floor = due - unitsPerSecond * 0.05;
            if (done < floor) done = (long)floor;
            if (done >= due)
            {
                Thread.Sleep(1);
                continue;
            }
            while (done < due) done += send();
        }
    }
}

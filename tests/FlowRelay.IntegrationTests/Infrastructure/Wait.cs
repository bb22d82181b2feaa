namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>Bounded polling for a condition: tests wait on facts (a port bound, a count reached), never on fixed sleeps.</summary>
public static class Wait
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow >= deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds}s waiting for {what}" + (diagnostics is null ? "" : "\n" + diagnostics()));
            await Task.Delay(Poll);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, diagnostics);
}

using System.Threading;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway network namespace with only <c>lo</c> up, so a test's ports never collide with
/// another test's or the host's, and no traffic leaves it. Every process started through it is
/// killed, and the namespace deleted, on dispose.
/// </summary>
public sealed class NetworkNamespace : IAsyncDisposable
{
    private static int s_counter;
    private readonly List<ChildProcess> _processes = [];

    private NetworkNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<NetworkNamespace> CreateAsync()
    {
        // Unique per process and per test; short enough for any tool that prints it.
        string name = $"frit{Environment.ProcessId}x{Interlocked.Increment(ref s_counter)}";
        var ns = new NetworkNamespace(name);
        await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["netns", "add", name]);
        try
        {
            await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["-n", name, "link", "set", "lo", "up"]);
        }
        catch
        {
            await ns.DisposeAsync();
            throw;
        }
        return ns;
    }

    /// <summary>Starts a program inside the namespace; it is killed when the namespace is disposed.</summary>
    public ChildProcess Start(string program, params string[] arguments)
    {
        var child = ChildProcess.Start("ip", ["netns", "exec", Name, program, .. arguments]);
        lock (_processes) _processes.Add(child);
        return child;
    }

    public ChildProcess StartWithInput(byte[] stdin, string program, params string[] arguments)
    {
        var child = ChildProcess.Start("ip", ["netns", "exec", Name, program, .. arguments], stdin);
        lock (_processes) _processes.Add(child);
        return child;
    }

    /// <summary>Runs a program inside the namespace to completion (bounded).</summary>
    public Task<ChildProcess> RunAsync(TimeSpan timeout, string program, params string[] arguments) =>
        ChildProcess.RunAsync(timeout, "ip", ["netns", "exec", Name, program, .. arguments]);

    /// <summary>True when something in the namespace has the UDP port bound.</summary>
    public async Task<bool> IsUdpPortBoundAsync(int port)
    {
        var ss = await RunAsync(TimeSpan.FromSeconds(10), "ss", "-ulnH");
        return ss.StandardOutput.Split('\n').Any(l => l.Contains($":{port} ", StringComparison.Ordinal));
    }

    public Task WaitForUdpPortAsync(int port, TimeSpan timeout, ChildProcess? owner = null) =>
        Wait.UntilAsync(async () =>
        {
            if (owner is { HasExited: true })
                throw new InvalidOperationException($"'{owner.CommandLine}' exited ({owner.ExitCode}) before binding UDP {port}:\n{owner.StandardOutput}\n{owner.StandardError}");
            return await IsUdpPortBoundAsync(port);
        }, timeout, $"UDP port {port} bound in {Name}");

    /// <summary>
    /// Waits until the UDP socket bound to <paramref name="port"/> has nothing left in its receive
    /// queue (ss's Recv-Q is 0): once its sender has finished, the receiver has read every datagram.
    /// </summary>
    public Task WaitForUdpQueueDrainedAsync(int port, TimeSpan timeout) =>
        Wait.UntilAsync(async () =>
        {
            var ss = await RunAsync(TimeSpan.FromSeconds(10), "ss", "-ulnH");
            // State Recv-Q Send-Q Local:Port Peer:Port
            var row = ss.StandardOutput.Split('\n').Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .FirstOrDefault(f => f.Length >= 4 && f[3].EndsWith($":{port}", StringComparison.Ordinal));
            return row is not null && row[1] == "0";
        }, timeout, $"UDP port {port} in {Name} to have read its receive queue");

    public async ValueTask DisposeAsync()
    {
        ChildProcess[] processes;
        lock (_processes) processes = [.. _processes];
        foreach (var p in processes) await p.DisposeAsync();
        try
        {
            await ChildProcess.RunAsync(TimeSpan.FromSeconds(10), "ip", ["netns", "del", Name], check: false);
        }
        catch (TimeoutException)
        {
            // Best effort: a namespace that cannot be deleted is reported by the next `ip netns list`.
        }
    }
}

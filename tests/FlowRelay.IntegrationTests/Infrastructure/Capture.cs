namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// dumpcap recording UDP to one port on a namespace's lo. Stopping sends a marker datagram to the
/// discard port and waits until it is on disk, so every export packet sent before it is too;
/// the marker is then filtered out.
/// </summary>
public sealed class Capture : IAsyncDisposable
{
    private const int MarkerPort = 9;
    private readonly NetworkNamespace _ns;
    private readonly ChildProcess _dumpcap;
    private readonly string _raw;
    private readonly int _port;

    private Capture(NetworkNamespace ns, ChildProcess dumpcap, string raw, int port)
    {
        _ns = ns;
        _dumpcap = dumpcap;
        _raw = raw;
        _port = port;
    }

    public static async Task<Capture> StartAsync(NetworkNamespace ns, int port, string workDir)
    {
        string raw = Path.Combine(workDir, $"capture-{port}-raw.pcap");
        var dumpcap = ns.Start("dumpcap", "-q", "-i", "lo", "-P", "-f", $"udp dst port {port} or udp dst port {MarkerPort}", "-w", raw);
        var capture = new Capture(ns, dumpcap, raw, port);
        try
        {
            await Wait.UntilAsync(() =>
            {
                if (dumpcap.HasExited) throw new InvalidOperationException("dumpcap exited: " + dumpcap.StandardError);
                return dumpcap.StandardError.Contains("Capturing on", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(15), "dumpcap to start");
        }
        catch
        {
            await capture.DisposeAsync();
            throw;
        }
        return capture;
    }

    /// <summary>Stops the capture and writes the export packets (without the marker) to <paramref name="path"/>.</summary>
    public async Task SaveAsync(string path)
    {
        await Wait.UntilAsync(async () =>
        {
            await using (var marker = _ns.StartWithInput("marker"u8.ToArray(), "socat", "-u", "-", $"UDP4-SENDTO:127.0.0.1:{MarkerPort}"))
                await marker.WaitForExitAsync(TimeSpan.FromSeconds(5));
            if (!File.Exists(_raw)) return false;
            var read = await ChildProcess.RunAsync(TimeSpan.FromSeconds(20), "tshark", ["-n", "-r", _raw, "-Y", $"udp.dstport == {MarkerPort}"], check: false);
            return read.StandardOutput.Trim().Length > 0;
        }, TimeSpan.FromSeconds(20), "the capture marker on disk");
        await _dumpcap.StopAsync(ChildProcess.SIGINT, TimeSpan.FromSeconds(10));
        await ChildProcess.RunAsync(TimeSpan.FromSeconds(20), "tshark", ["-n", "-r", _raw, "-Y", $"udp.dstport == {_port}", "-F", "pcap", "-w", path]);
    }

    public ValueTask DisposeAsync() => _dumpcap.DisposeAsync();
}

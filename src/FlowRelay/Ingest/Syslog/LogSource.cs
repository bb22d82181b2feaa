using FlowRelay.Engine.Counters;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// One input of log messages (a syslog listener or a tailed file): its name for documents and
/// stats, how its lines are read, and its counters. Receivers and the DNS pipeline share it.
/// </summary>
public class LogSource : ICounterSource
{
    private static readonly string[] SyslogStatusNames = Enum.GetNames<SyslogParseStatus>().Select(Snake).ToArray();
    private static readonly string[] DnsStatusNames = Enum.GetNames<DnsLogParseStatus>().Select(Snake).ToArray();

    public LogSource(string name, DnsLogFormat format, bool syslogFramed)
    {
        Name = name;
        Format = format;
        SyslogFramed = syslogFramed;
    }

    /// <summary>Name used in stats and in <c>flowrelay.dns.input</c>: <c>udp:0.0.0.0:514</c>, <c>tls:[::]:6514</c>, a file path.</summary>
    public string Name { get; }

    /// <summary>The DNS log format of this input; Unknown = detect from the lines.</summary>
    public DnsLogFormat Format { get; }

    /// <summary>True when every message carries a syslog header (listeners); false for raw log lines (files).</summary>
    public bool SyslogFramed { get; }

    public LogSourceCounters Counters { get; } = new();

    /// <summary>For a UDP listener, its socket's row in /proc/net/udp (the kernel's drop count); set when it binds.</summary>
    internal KernelUdpDrops? KernelDrops { get; set; }

    /// <inheritdoc />
    public string CounterSection => "log_inputs." + Name;

    /// <inheritdoc />
    public virtual IEnumerable<KeyValuePair<string, long>> ReadCounters()
    {
        var c = Counters;
        yield return new("messages", Interlocked.Read(ref c.Messages));
        yield return new("bytes", Interlocked.Read(ref c.Bytes));
        yield return new("truncated", Interlocked.Read(ref c.Truncated));
        yield return new("dropped_queue_full", Interlocked.Read(ref c.DroppedQueueFull));
        // Listeners wait for room rather than drop; for UDP the kernel counts what the socket could not hold.
        if (SyslogFramed) yield return new("queue_full_waits", Interlocked.Read(ref c.QueueFullWaits));
        if (KernelDrops is { } kernel) yield return new("dropped_by_kernel", kernel.Read() ?? 0);
        yield return new("receive_errors", Interlocked.Read(ref c.ReceiveErrors));
        if (SyslogFramed)
        {
            yield return new("connections_accepted", Interlocked.Read(ref c.ConnectionsAccepted));
            yield return new("connections_open", Interlocked.Read(ref c.ConnectionsOpen));
            yield return new("connections_refused", Interlocked.Read(ref c.ConnectionsRefused));
            yield return new("connections_idle_closed", Interlocked.Read(ref c.ConnectionsIdleClosed));
            yield return new("tls_handshake_failures", Interlocked.Read(ref c.TlsHandshakeFailures));
            yield return new("framing_errors", Interlocked.Read(ref c.FramingErrors));
            yield return new("incomplete_frames", Interlocked.Read(ref c.IncompleteFrames));
            // Parse results are written by the pipeline loop only; a slightly stale read is fine for stats.
            for (int i = 0; i < c.SyslogStatus.Length; i++) yield return new("syslog_" + SyslogStatusNames[i], Volatile.Read(ref c.SyslogStatus[i]));
        }
        for (int i = 0; i < c.DnsStatus.Length; i++) yield return new("dns_lines_" + DnsStatusNames[i], Volatile.Read(ref c.DnsStatus[i]));
        yield return new("dns_events", Volatile.Read(ref c.DnsEvents));
        yield return new("cef_events", Volatile.Read(ref c.CefEvents));
        yield return new("cef_errors", Volatile.Read(ref c.CefErrors));
    }

    private static string Snake(string name) =>
        string.Concat(name.Select((ch, i) => char.IsUpper(ch) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(ch) : ch.ToString()));
}

using FlowRelay.Protocols.DnsLogs;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// One input of log messages (a syslog listener or a tailed file): its name for documents and
/// stats, how its lines are read, and its counters. Receivers and the DNS pipeline share it.
/// </summary>
public class LogSource
{
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
}

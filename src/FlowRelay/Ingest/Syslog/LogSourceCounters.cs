using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Ingest.Syslog;

/// <summary>
/// Counters of one input. The receive side (messages, cut, dropped, connections) is updated with
/// Interlocked by the socket loops; the parse side only by the DNS pipeline's single loop.
/// </summary>
public sealed class LogSourceCounters
{
    /// <summary>Messages (syslog frames, datagrams or file lines) received.</summary>
    public long Messages;
    public long Bytes;
    /// <summary>Messages longer than max_message_size: cut to it and still processed.</summary>
    public long Truncated;
    /// <summary>Messages dropped because the queue to the pipeline was full: listeners wait instead, so only messages still waiting when the relay stopped.</summary>
    public long DroppedQueueFull;
    /// <summary>Listeners: messages that found the queue full and waited for room, the socket or connection unread meanwhile.</summary>
    public long QueueFullWaits;
    /// <summary>TCP/TLS connections accepted.</summary>
    public long ConnectionsAccepted;
    /// <summary>Connections closed at once because max_connections were open.</summary>
    public long ConnectionsRefused;
    /// <summary>Connections closed after idle_timeout without data.</summary>
    public long ConnectionsIdleClosed;
    /// <summary>TLS handshakes that failed (bad or missing client certificate, protocol errors).</summary>
    public long TlsHandshakeFailures;
    /// <summary>Octet-counted streams with an unreadable MSG-LEN, closed (RFC 6587 §3.4.1 cannot resynchronise).</summary>
    public long FramingErrors;
    /// <summary>Connections that ended in the middle of a frame.</summary>
    public long IncompleteFrames;
    /// <summary>Socket receive failures.</summary>
    public long ReceiveErrors;
    /// <summary>Connections open now.</summary>
    public long ConnectionsOpen;

    /// <summary>Syslog header parse results by <see cref="SyslogParseStatus"/> (pipeline loop only).</summary>
    public readonly long[] SyslogStatus = new long[Enum.GetValues<SyslogParseStatus>().Length];
    /// <summary>DNS log line results by <see cref="DnsLogParseStatus"/> (pipeline loop only).</summary>
    public readonly long[] DnsStatus = new long[Enum.GetValues<DnsLogParseStatus>().Length];
    /// <summary>CEF messages turned into documents.</summary>
    public long CefEvents;
    /// <summary>Messages that had a CEF marker but no readable CEF header.</summary>
    public long CefErrors;
    /// <summary>DNS events emitted.</summary>
    public long DnsEvents;
}

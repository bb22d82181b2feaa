using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>One parsed dnsmasq query-log line; text fields are slices of the input line.</summary>
public ref struct DnsmasqLogLine
{
    /// <summary>What the line reports.</summary>
    public DnsmasqLineKind Kind;

    /// <summary><c>log-queries=extra</c> serial that ties a query's lines together, -1 in plain mode.</summary>
    public long Serial;

    /// <summary>Client address: the extra prefix's, or a query line's "from".</summary>
    public IpAddr ClientIp;

    /// <summary>Client port (extra mode only), 0 otherwise.</summary>
    public ushort ClientPort;

    /// <summary>The name the line is about, as logged.</summary>
    public ReadOnlySpan<byte> Name;

    /// <summary>Query type mnemonic from <c>query[TYPE]</c>; empty on other lines.</summary>
    public ReadOnlySpan<byte> Type;

    /// <summary>After "is" (answer, NXDOMAIN, NODATA, NODATA-IPv4/6, &lt;CNAME&gt;), "to" (upstream) or "from" (client).</summary>
    public ReadOnlySpan<byte> Value;

    /// <summary>The file line's own syslog-style time (no zone) in Unix ns, 0 when the line had none.</summary>
    public long TimestampUnixNs;
}

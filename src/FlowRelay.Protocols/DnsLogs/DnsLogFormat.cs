namespace FlowRelay.Protocols.DnsLogs;

/// <summary>The DNS log formats FlowRelay reads. Name one per input, or let <see cref="DnsLogFormatDetector"/> pick.</summary>
public enum DnsLogFormat : byte
{
    /// <summary>Not recognised.</summary>
    Unknown = 0,
    /// <summary>BIND 9 query logging (category queries).</summary>
    Bind,
    /// <summary>dnsmasq <c>log-queries</c>, plain or <c>=extra</c> (serial and client prefix).</summary>
    Dnsmasq,
    /// <summary>Unbound <c>log-queries</c> / <c>log-replies</c>.</summary>
    Unbound,
    /// <summary>Zeek <c>dns.log</c> as JSON (one object per line).</summary>
    ZeekJson,
    /// <summary>Zeek <c>dns.log</c> as TSV with <c>#fields</c> header.</summary>
    ZeekTsv,
}

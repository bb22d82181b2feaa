namespace FlowRelay.Protocols.DnsLogs;

/// <summary>Outcome of parsing one DNS log line.</summary>
public enum DnsLogParseStatus : byte
{
    Ok = 0,
    /// <summary>Blank line.</summary>
    Empty,
    /// <summary>A well-formed line of the format that is not about a query (start-up notices, Zeek '#' headers, dnsmasq DHCP ...).</summary>
    NotAQuery,
    /// <summary>The line looks like the format but a required field is missing or unreadable.</summary>
    Malformed,
    /// <summary>The line is not in the expected format at all.</summary>
    WrongFormat,
}

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>What a dnsmasq <c>log-queries</c> line reports (src/cache.c log_query in dnsmasq).</summary>
public enum DnsmasqLineKind : byte
{
    /// <summary>Not a query-log line (DHCP, start-up, ...).</summary>
    Other = 0,
    /// <summary><c>query[TYPE] name from client</c>.</summary>
    Query,
    /// <summary><c>forwarded name to upstream</c>.</summary>
    Forwarded,
    /// <summary><c>reply name is answer|NXDOMAIN|NODATA…</c> from upstream.</summary>
    Reply,
    /// <summary><c>cached name is …</c> (also <c>cached-stale</c>).</summary>
    Cached,
    /// <summary><c>config name is …</c> (address=, txt-record=, local=).</summary>
    Config,
    /// <summary><c>/etc/hosts name is …</c> or another hosts/DHCP lease file.</summary>
    HostsFile,
    /// <summary>DNSSEC validation and queries dnsmasq makes itself (<c>validation</c>, <c>dnssec-query[DS]</c>).</summary>
    Dnssec,
}

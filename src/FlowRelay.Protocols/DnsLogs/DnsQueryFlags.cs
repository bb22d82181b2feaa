namespace FlowRelay.Protocols.DnsLogs;

/// <summary>Query and response flags as far as the log tells them (BIND's <c>+E(0)K</c> string, Zeek's AA/TC/RD/RA).</summary>
[Flags]
public enum DnsQueryFlags : ushort
{
    None = 0,
    /// <summary>RD: recursion desired (BIND '+').</summary>
    RecursionDesired = 1,
    /// <summary>EDNS present (BIND 'E(n)').</summary>
    Edns = 2,
    /// <summary>Over TCP (BIND 'T').</summary>
    Tcp = 4,
    /// <summary>TSIG/SIG(0) signed (BIND 'S').</summary>
    Signed = 8,
    /// <summary>DO: DNSSEC OK (BIND 'D').</summary>
    DnssecOk = 16,
    /// <summary>CD: checking disabled (BIND 'C').</summary>
    CheckingDisabled = 32,
    /// <summary>A DNS COOKIE was sent (BIND 'K' without a valid server cookie, 'V' with one).</summary>
    Cookie = 64,
    /// <summary>A valid server cookie (BIND 'V').</summary>
    ValidServerCookie = 128,
    /// <summary>AA: authoritative answer (Zeek).</summary>
    Authoritative = 256,
    /// <summary>TC: truncated (Zeek).</summary>
    Truncated = 512,
    /// <summary>RA: recursion available (Zeek).</summary>
    RecursionAvailable = 1024,
    /// <summary>Answered from cache (dnsmasq 'cached').</summary>
    Cached = 2048,
    /// <summary>Answered from local configuration (dnsmasq 'config', Unbound local-data is not told apart).</summary>
    LocalConfig = 4096,
}

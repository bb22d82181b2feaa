namespace FlowRelay.Engine.Enrich;

/// <summary>
/// The address ranges that never belong to a host on the public internet: the default of the
/// <c>internal</c> network, and what the word <c>private</c> expands to in <c>enrich.networks</c>.
/// </summary>
public static class SpecialPurposeNetworks
{
    /// <summary>The keyword that stands for <see cref="Private"/> in a network's list.</summary>
    public const string Keyword = "private";

    /// <summary>
    /// RFC 6890 (IANA IPv4/IPv6 Special-Purpose Address Registries) entries whose "Global" flag is
    /// false, plus multicast. Left out on purpose: 192.88.99.0/24 (6to4 relay anycast, Global=true,
    /// deprecated by RFC 7526), 2001::/23 as a whole (it contains globally reachable sub-blocks
    /// such as AS112-v6 and ORCHIDv2) and ::ffff:0:0/96 (IPv4-mapped addresses are matched as IPv4).
    /// </summary>
    public static readonly IReadOnlyList<string> Private =
    [
        "0.0.0.0/8",          // "this network" (RFC 791 §3.2, RFC 6890 §2.2.2)
        "10.0.0.0/8",         // private-use (RFC 1918)
        "100.64.0.0/10",      // shared address space, carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",        // loopback (RFC 1122 §3.2.1.3)
        "169.254.0.0/16",     // link-local (RFC 3927)
        "172.16.0.0/12",      // private-use (RFC 1918)
        "192.0.0.0/24",       // IETF protocol assignments (RFC 6890 §2.1)
        "192.0.2.0/24",       // documentation TEST-NET-1 (RFC 5737)
        "192.168.0.0/16",     // private-use (RFC 1918)
        "198.18.0.0/15",      // benchmarking (RFC 2544)
        "198.51.100.0/24",    // documentation TEST-NET-2 (RFC 5737)
        "203.0.113.0/24",     // documentation TEST-NET-3 (RFC 5737)
        "240.0.0.0/4",        // reserved, includes limited broadcast 255.255.255.255 (RFC 1112 §4, RFC 919)
        "224.0.0.0/4",        // multicast (RFC 5771): not in RFC 6890, but never a unicast internet peer
        "::/128",             // unspecified (RFC 4291)
        "::1/128",            // loopback (RFC 4291)
        "64:ff9b:1::/48",     // local-use IPv4/IPv6 translation (RFC 8215)
        "100::/64",           // discard-only (RFC 6666)
        "2001:2::/48",        // benchmarking (RFC 5180)
        "2001:db8::/32",      // documentation (RFC 3849)
        "fc00::/7",           // unique local addresses (RFC 4193)
        "fe80::/10",          // link-local unicast (RFC 4291)
        "ff00::/8",           // multicast (RFC 4291): as for 224.0.0.0/4
    ];
}

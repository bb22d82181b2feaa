namespace FlowRelay.Engine.Enrich;

/// <summary>
/// The application protocol (ECS <c>network.protocol</c>, lowercase) usually spoken on a server
/// port. Names are IANA's service names (Service Name and Transport Protocol Port Number
/// Registry) except where ECS and its producers (Packetbeat, Zeek) use the common name: "dns" for
/// domain, "http" for www-http. A port says what is usual, not what was spoken.
/// </summary>
public static class ServiceNames
{
    /// <summary>The protocol for <paramref name="port"/> over <paramref name="transport"/> (IANA number), or null.</summary>
    public static string? ForPort(byte transport, ushort port) => transport switch
    {
        6 => Tcp(port),
        17 => Udp(port),
        132 => port switch { 2905 => "m3ua", 3868 => "diameter", _ => null },
        _ => null,
    };

    private static string? Tcp(ushort port) => port switch
    {
        20 or 21 => "ftp",
        22 => "ssh",
        23 => "telnet",
        25 or 587 => "smtp",
        43 => "whois",
        53 => "dns",
        80 or 8080 => "http",
        88 => "kerberos",
        110 => "pop3",
        111 => "sunrpc",
        119 => "nntp",
        135 => "msrpc",
        139 => "netbios-ssn",
        143 => "imap",
        179 => "bgp",
        389 => "ldap",
        443 or 8443 => "https",
        445 => "smb",
        465 => "smtps",
        514 => "syslog",
        636 => "ldaps",
        853 => "dns-over-tls",
        873 => "rsync",
        990 => "ftps",
        993 => "imaps",
        995 => "pop3s",
        1433 => "mssql",
        1521 => "oracle",
        1883 => "mqtt",
        2049 => "nfs",
        3306 => "mysql",
        3389 => "rdp",
        5060 => "sip",
        5432 => "postgresql",
        5671 or 5672 => "amqp",
        5900 => "vnc",
        5985 or 5986 => "winrm",
        6379 => "redis",
        6443 => "kubernetes",
        6514 => "syslog-tls",
        8883 => "mqtts",
        9092 => "kafka",
        9200 => "elasticsearch",
        11211 => "memcached",
        27017 => "mongodb",
        _ => null,
    };

    private static string? Udp(ushort port) => port switch
    {
        53 => "dns",
        67 or 68 => "dhcp",
        69 => "tftp",
        88 => "kerberos",
        123 => "ntp",
        137 => "netbios-ns",
        138 => "netbios-dgm",
        161 or 162 => "snmp",
        443 => "quic",
        500 or 4500 => "ipsec",
        514 => "syslog",
        546 or 547 => "dhcpv6",
        853 => "dns-over-quic",
        1194 => "openvpn",
        1812 or 1813 => "radius",
        1900 => "ssdp",
        2055 or 9995 or 9996 => "netflow",
        3478 => "stun",
        4739 => "ipfix",
        5060 => "sip",
        5353 => "mdns",
        5355 => "llmnr",
        6343 => "sflow",
        51820 => "wireguard",
        _ => null,
    };
}

using System.Collections.Frozen;
using System.Text;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// DNS mnemonics and numbers: RR TYPEs, CLASSes and RCODEs from the IANA "Domain Name System
/// (DNS) Parameters" registry. Names returned are interned constants, so looking one up allocates nothing.
/// </summary>
public static class DnsNames
{
    private static readonly (string Name, ushort Value)[] Types =
    [
        ("A", 1), ("NS", 2), ("MD", 3), ("MF", 4), ("CNAME", 5), ("SOA", 6), ("MB", 7), ("MG", 8), ("MR", 9), ("NULL", 10),
        ("WKS", 11), ("PTR", 12), ("HINFO", 13), ("MINFO", 14), ("MX", 15), ("TXT", 16), ("RP", 17), ("AFSDB", 18),
        ("X25", 19), ("ISDN", 20), ("RT", 21), ("NSAP", 22), ("NSAP-PTR", 23), ("SIG", 24), ("KEY", 25), ("PX", 26),
        ("GPOS", 27), ("AAAA", 28), ("LOC", 29), ("NXT", 30), ("SRV", 33), ("NAPTR", 35), ("KX", 36), ("CERT", 37),
        ("A6", 38), ("DNAME", 39), ("OPT", 41), ("APL", 42), ("DS", 43), ("SSHFP", 44), ("IPSECKEY", 45), ("RRSIG", 46),
        ("NSEC", 47), ("DNSKEY", 48), ("DHCID", 49), ("NSEC3", 50), ("NSEC3PARAM", 51), ("TLSA", 52), ("SMIMEA", 53),
        ("HIP", 55), ("CDS", 59), ("CDNSKEY", 60), ("OPENPGPKEY", 61), ("CSYNC", 62), ("ZONEMD", 63), ("SVCB", 64),
        ("HTTPS", 65), ("SPF", 99), ("NID", 104), ("L32", 105), ("L64", 106), ("LP", 107), ("EUI48", 108), ("EUI64", 109),
        ("TKEY", 249), ("TSIG", 250), ("IXFR", 251), ("AXFR", 252), ("MAILB", 253), ("MAILA", 254), ("ANY", 255),
        ("URI", 256), ("CAA", 257), ("AVC", 258), ("DOA", 259), ("AMTRELAY", 260), ("TA", 32768), ("DLV", 32769),
    ];

    private static readonly FrozenDictionary<string, ushort> TypeByName =
        Types.ToFrozenDictionary(t => t.Name, t => t.Value, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<ushort, string> NameByType = Types.ToFrozenDictionary(t => t.Value, t => t.Name);

    private static readonly string[] RcodeNames =
    [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
        "DSOTYPENI",
    ];

    /// <summary>The TYPE number of a mnemonic (any case) or of the RFC 3597 §5 generic form <c>TYPEnnn</c>; 0 when unknown.</summary>
    public static ushort TypeNumber(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty || name.Length > 12) return 0;
        Span<char> c = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) c[i] = (char)name[i];
        if (TypeByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(c, out ushort v)) return v;
        return Generic(c, "TYPE");
    }

    /// <summary>The mnemonic of a TYPE number, or <c>TYPEnnn</c> (allocates only then).</summary>
    public static string TypeName(ushort type) => NameByType.TryGetValue(type, out var n) ? n : "TYPE" + type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The canonical name for a logged type mnemonic without allocating when it is known
    /// (returns the registry spelling); unknown mnemonics are returned as logged (allocates).
    /// </summary>
    public static string TypeNameOf(ReadOnlySpan<byte> logged, out ushort number)
    {
        number = TypeNumber(logged);
        if (number != 0 && NameByType.TryGetValue(number, out var n)) return n;
        return Encoding.ASCII.GetString(logged);
    }

    /// <summary>CLASS number of IN, CH, HS, NONE, ANY (or CLASSnnn); 0 when unknown.</summary>
    public static ushort ClassNumber(ReadOnlySpan<byte> name)
    {
        if (Is(name, "IN")) return 1;
        if (Is(name, "CH") || Is(name, "CHAOS")) return 3;
        if (Is(name, "HS")) return 4;
        if (Is(name, "NONE")) return 254;
        if (Is(name, "ANY")) return 255;
        if (name.Length > 5 && name.Length < 12)
        {
            Span<char> c = stackalloc char[name.Length];
            for (int i = 0; i < name.Length; i++) c[i] = (char)name[i];
            return Generic(c, "CLASS");
        }
        return 0;
    }

    /// <summary>Mnemonic of a CLASS number.</summary>
    public static string ClassName(ushort cls) => cls switch
    {
        1 => "IN", 3 => "CH", 4 => "HS", 254 => "NONE", 255 => "ANY",
        _ => "CLASS" + cls.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>RCODE number of a mnemonic (any case), -1 when unknown.</summary>
    public static int ResponseCodeNumber(ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < RcodeNames.Length; i++)
            if (Is(name, RcodeNames[i])) return i;
        if (Is(name, "BADVERS") || Is(name, "BADSIG")) return 16;
        if (Is(name, "BADCOOKIE")) return 23;
        return -1;
    }

    /// <summary>Mnemonic of an RCODE, null when negative.</summary>
    public static string? ResponseCodeName(int code) => code switch
    {
        < 0 => null,
        _ when code < RcodeNames.Length => RcodeNames[code],
        16 => "BADVERS",
        23 => "BADCOOKIE",
        _ => "RCODE" + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static ushort Generic(ReadOnlySpan<char> c, string prefix)
    {
        if (c.Length <= prefix.Length || !c.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return 0;
        return ushort.TryParse(c[prefix.Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort v) ? v : (ushort)0;
    }

    internal static bool Is(ReadOnlySpan<byte> s, string ascii)
    {
        if (s.Length != ascii.Length) return false;
        for (int i = 0; i < s.Length; i++)
            if ((s[i] | 0x20) != (ascii[i] | 0x20)) return false;
        return true;
    }
}

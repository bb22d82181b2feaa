using System.Net;
using System.Text;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>Small text helpers shared by the DNS log parsers; none throws.</summary>
internal static class DnsText
{
    /// <summary>
    /// The query name as FlowRelay keeps it: ASCII letters lower-cased (RFC 4343: DNS names
    /// compare case-insensitively), one trailing dot dropped, everything else as logged.
    /// </summary>
    internal static string NormaliseName(ReadOnlySpan<byte> name)
    {
        if (!name.IsEmpty && name[^1] == '.') name = name[..^1];
        if (name.IsEmpty) return "";
        return string.Create(name.Length, name, static (dst, src) =>
        {
            for (int i = 0; i < src.Length; i++)
            {
                byte b = src[i];
                dst[i] = (char)((uint)(b - 'A') <= 'Z' - 'A' ? b | 0x20 : b);
            }
        });
    }

    internal static string Ascii(ReadOnlySpan<byte> s) => s.IsEmpty ? "" : Encoding.UTF8.GetString(s);

    /// <summary>IPv4 fast path without allocation; IPv6 through <see cref="IPAddress"/>.</summary>
    internal static bool TryParseIp(ReadOnlySpan<byte> s, out IpAddr ip)
    {
        ip = default;
        if (s.IsEmpty || s.Length > 45) return false;
        if (TryParseV4(s, out uint v4))
        {
            ip = IpAddr.FromV4(v4);
            return true;
        }
        if (s.IndexOf((byte)':') < 0) return false;
        Span<char> c = stackalloc char[s.Length];
        for (int i = 0; i < s.Length; i++) c[i] = (char)s[i];
        return TryParseIp(c, out ip);
    }

    internal static bool TryParseIp(ReadOnlySpan<char> s, out IpAddr ip)
    {
        ip = default;
        if (s.IsEmpty || s.Length > 45) return false;
        foreach (char ch in s)
            if (!(char.IsAsciiHexDigit(ch) || ch is '.' or ':' or '%')) return false;
        if (!IPAddress.TryParse(s, out var a)) return false;
        if (s.IndexOf(':') < 0 && s.Count('.') != 3) return false; // IPAddress accepts "10" or "1.2"
        ip = IpAddr.From(a);
        return true;
    }

    private static bool TryParseV4(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        int octets = 0, i = 0;
        while (octets < 4)
        {
            int start = i, v = 0;
            while (i < s.Length && (uint)(s[i] - '0') <= 9 && i - start < 3) v = v * 10 + (s[i++] - '0');
            if (i == start || v > 255) return false;
            value = (value << 8) | (uint)v;
            octets++;
            if (octets < 4)
            {
                if (i >= s.Length || s[i] != '.') return false;
                i++;
            }
        }
        return i == s.Length;
    }

    internal static bool TryParseUInt(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18) return false;
        foreach (byte b in s)
        {
            if ((uint)(b - '0') > 9) return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>"ip#port" (BIND, dnsmasq upstream) or "ip/port" (dnsmasq extra).</summary>
    internal static bool TryParseEndpoint(ReadOnlySpan<byte> s, byte separator, out IpAddr ip, out ushort port)
    {
        port = 0;
        int sep = s.LastIndexOf(separator);
        if (sep < 0) return TryParseIp(s, out ip);
        if (!TryParseIp(s[..sep], out ip)) return false;
        if (!TryParseUInt(s[(sep + 1)..], out long p) || p > 65535) return false;
        port = (ushort)p;
        return true;
    }

    /// <summary>Seconds with a fraction ("0.000123") to ns; false when not a number.</summary>
    internal static bool TryParseSeconds(ReadOnlySpan<byte> s, out long ns)
    {
        ns = 0;
        int dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (!TryParseUInt(whole, out long sec) || sec > 9_000_000_000) return false;
        long frac = 0;
        int n = 0;
        if (dot >= 0)
        {
            foreach (byte b in s[(dot + 1)..])
            {
                if ((uint)(b - '0') > 9) return false;
                if (n < 9) { frac = frac * 10 + (b - '0'); n++; }
            }
        }
        for (; n < 9; n++) frac *= 10;
        ns = sec * 1_000_000_000 + frac;
        return true;
    }

    /// <summary>The next space-separated token from <paramref name="pos"/>, skipping leading spaces.</summary>
    internal static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> s, scoped ref int pos)
    {
        while (pos < s.Length && s[pos] == ' ') pos++;
        int start = pos;
        while (pos < s.Length && s[pos] != ' ') pos++;
        return s[start..pos];
    }

    internal static ReadOnlySpan<byte> TrimLine(ReadOnlySpan<byte> s)
    {
        int e = s.Length;
        while (e > 0 && s[e - 1] is (byte)'\n' or (byte)'\r' or (byte)' ' or 0) e--;
        int b = 0;
        while (b < e && s[b] == ' ') b++;
        return s[b..e];
    }
}

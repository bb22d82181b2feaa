using FlowRelay.Protocols.Flows;

namespace FlowRelay.Emit.Cef;

/// <summary>
/// Address text of an alert (its host and evidence fields) rewritten as <see cref="System.Net.IPAddress"/>
/// would rewrite it, for the usual forms only and without allocating: a dotted quad without
/// leading zeros (written back as it is) and IPv6 as hex groups with at most one "::" (written in
/// RFC 5952 form). Everything else (leading zeros, which IPAddress may read as octal; scope ids;
/// embedded IPv4; anything under ::/64, where IPAddress may write a dotted tail) is left
/// to IPAddress.
/// </summary>
internal static class AddressText
{
    public static bool TryCanonical(ReadOnlySpan<char> text, Span<byte> utf8, out int written, out bool isV4)
    {
        written = 0;
        isV4 = false;
        if (IsPlainDottedQuad(text))
        {
            if (utf8.Length < text.Length) return false;
            for (int i = 0; i < text.Length; i++) utf8[i] = (byte)text[i];
            written = text.Length;
            isV4 = true;
            return true;
        }
        Span<byte> bytes = stackalloc byte[16];
        if (!TryParseV6(text, bytes)) return false;
        // IPAddress writes some addresses under ::/64 with a dotted tail (IPv4-compatible, -mapped, ISATAP); leave that range to it.
        if (bytes[..8].IndexOfAnyExcept((byte)0) < 0) return false;
        return IpAddr.FromV6(bytes).TryFormat(utf8, out written);
    }

    private static bool IsPlainDottedQuad(ReadOnlySpan<char> s)
    {
        int octets = 0, i = 0;
        while (true)
        {
            int start = i, value = 0;
            while (i < s.Length && i - start < 4 && char.IsAsciiDigit(s[i])) value = value * 10 + (s[i++] - '0');
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s[start] == '0')) return false;
            if (++octets == 4) return i == s.Length;
            if (i >= s.Length || s[i] != '.') return false;
            i++;
        }
    }

    private static bool TryParseV6(ReadOnlySpan<char> s, Span<byte> bytes)
    {
        if (s.Length < 2 || s.Length > 39) return false;
        Span<ushort> head = stackalloc ushort[8];
        Span<ushort> tail = stackalloc ushort[8];
        int nh = 0, nt = 0, i = 0;
        bool gap = false;
        if (s[0] == ':')
        {
            if (s[1] != ':') return false;
            gap = true;
            i = 2;
        }
        while (i < s.Length)
        {
            int start = i, value = 0;
            while (i < s.Length && i - start < 5 && char.IsAsciiHexDigit(s[i])) value = value * 16 + HexValue(s[i++]);
            int digits = i - start;
            if (digits == 0 || digits > 4) return false;
            if (gap)
            {
                if (nt == 8) return false;
                tail[nt++] = (ushort)value;
            }
            else
            {
                if (nh == 8) return false;
                head[nh++] = (ushort)value;
            }
            if (i == s.Length) break;
            if (s[i++] != ':') return false;
            if (i == s.Length) return false; // a single trailing colon
            if (s[i] == ':')
            {
                if (gap) return false;
                gap = true;
                i++;
            }
        }
        if (gap ? nh + nt > 7 : nh != 8) return false;
        bytes.Clear();
        for (int g = 0; g < nh; g++)
        {
            bytes[2 * g] = (byte)(head[g] >> 8);
            bytes[2 * g + 1] = (byte)head[g];
        }
        for (int g = 0; g < nt; g++)
        {
            int at = 8 - nt + g;
            bytes[2 * at] = (byte)(tail[g] >> 8);
            bytes[2 * at + 1] = (byte)tail[g];
        }
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

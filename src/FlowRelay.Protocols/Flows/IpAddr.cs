using System.Buffers.Binary;
using System.Net;

namespace FlowRelay.Protocols.Flows;

/// <summary>
/// An IPv4 or IPv6 address held by value (no heap allocation), so decoded records can carry
/// addresses on the hot path. IPv4 addresses are stored in the low 32 bits of <see cref="Lo"/>.
/// </summary>
public readonly struct IpAddr : IEquatable<IpAddr>
{
    /// <summary>The high 64 bits of an IPv6 address (0 for IPv4).</summary>
    public readonly ulong Hi;

    /// <summary>The low 64 bits of an IPv6 address, or the IPv4 address in the low 32 bits.</summary>
    public readonly ulong Lo;

    /// <summary>4, 6, or 0 when no address is set.</summary>
    public readonly byte Family;

    private IpAddr(ulong hi, ulong lo, byte family)
    {
        Hi = hi;
        Lo = lo;
        Family = family;
    }

    /// <summary>True when an address is present.</summary>
    public bool IsSet => Family != 0;

    /// <summary>True for an IPv4 address.</summary>
    public bool IsV4 => Family == 4;

    /// <summary>An IPv4 address from its host-order 32-bit value.</summary>
    public static IpAddr FromV4(uint address) => new(0, address, 4);

    /// <summary>An IPv4 address from 4 network-order bytes.</summary>
    public static IpAddr FromV4(ReadOnlySpan<byte> bytes) => new(0, BinaryPrimitives.ReadUInt32BigEndian(bytes), 4);

    /// <summary>An IPv6 address from 16 network-order bytes.</summary>
    public static IpAddr FromV6(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]), 6);

    /// <summary>Converts a <see cref="IPAddress"/>; IPv4-mapped IPv6 addresses become IPv4.</summary>
    public static IpAddr From(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out int n);
        return n == 4 ? FromV4(b) : FromV6(b);
    }

    /// <summary>The IPv4 address as a host-order value (only meaningful when <see cref="IsV4"/>).</summary>
    public uint V4 => (uint)Lo;

    /// <summary>Writes the address in network order (4 or 16 bytes) and returns the count written.</summary>
    public int WriteBytes(Span<byte> destination)
    {
        if (Family == 4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)Lo);
            return 4;
        }
        BinaryPrimitives.WriteUInt64BigEndian(destination, Hi);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Lo);
        return 16;
    }

    /// <summary>Formats the address as UTF-8 text without allocating.</summary>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        bytesWritten = 0;
        if (Family == 0) return false;
        if (Family == 4)
        {
            if (utf8Destination.Length >= 16) return Ipv4Text.Write((uint)Lo, utf8Destination, out bytesWritten);
            // Four decimal octets; digits written by hand (the number formatter costs more than the rest of an address).
            uint v = (uint)Lo;
            int length = 3 + DecimalLength(v >> 24) + DecimalLength((v >> 16) & 0xFF) + DecimalLength((v >> 8) & 0xFF) + DecimalLength(v & 0xFF);
            if (utf8Destination.Length < length) return false;
            int pos = 0;
            for (int shift = 24; shift >= 0; shift -= 8)
            {
                uint octet = (v >> shift) & 0xFF;
                if (octet >= 100)
                {
                    utf8Destination[pos++] = (byte)('0' + octet / 100);
                    utf8Destination[pos++] = (byte)('0' + octet / 10 % 10);
                }
                else if (octet >= 10)
                {
                    utf8Destination[pos++] = (byte)('0' + octet / 10);
                }
                utf8Destination[pos++] = (byte)('0' + octet % 10);
                if (shift > 0) utf8Destination[pos++] = (byte)'.';
            }
            bytesWritten = pos;
            return true;
        }
        return TryFormatV6(utf8Destination, out bytesWritten);
    }

    // RFC 5952 §4: lower-case hex, no leading zeros, the longest run of two or more zero groups
    // (the first on a tie) shortened to "::". IPv4-mapped addresses were made IPv4 on the way in.
    private bool TryFormatV6(Span<byte> dest, out int written)
    {
        written = 0;
        Span<ushort> g = stackalloc ushort[8];
        for (int i = 0; i < 4; i++)
        {
            g[i] = (ushort)(Hi >> (48 - 16 * i));
            g[i + 4] = (ushort)(Lo >> (48 - 16 * i));
        }
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8;)
        {
            if (g[i] != 0) { i++; continue; }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
            i = j;
        }
        if (dest.Length < 39) return false;
        int pos = 0;
        for (int i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                dest[pos++] = (byte)':';
                dest[pos++] = (byte)':';
                i += bestLen - 1;
                continue;
            }
            if (i > 0 && i != bestStart + bestLen) dest[pos++] = (byte)':';
            pos += WriteHex(g[i], dest[pos..]);
        }
        written = pos;
        return true;
    }

    private static int DecimalLength(uint octet) => octet >= 100 ? 3 : octet >= 10 ? 2 : 1;

    /// <summary>A group as lower-case hex without leading zeros; returns the digits written.</summary>
    private static int WriteHex(ushort group, Span<byte> dest)
    {
        int digits = group >= 0x1000 ? 4 : group >= 0x100 ? 3 : group >= 0x10 ? 2 : 1;
        for (int i = digits - 1; i >= 0; i--)
        {
            dest[i] = "0123456789abcdef"u8[group & 0xF];
            group >>= 4;
        }
        return digits;
    }

    /// <summary>Converts to <see cref="IPAddress"/> (allocates; not for the hot path).</summary>
    public IPAddress ToIPAddress()
    {
        if (Family == 0) return IPAddress.None;
        Span<byte> raw = stackalloc byte[16];
        int n = WriteBytes(raw);
        return new IPAddress(raw[..n]);
    }

    /// <inheritdoc />
    public bool Equals(IpAddr other) => Hi == other.Hi && Lo == other.Lo && Family == other.Family;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IpAddr other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Hi, Lo, Family);

    /// <inheritdoc />
    public override string ToString() => Family == 0 ? "" : ToIPAddress().ToString();

    public static bool operator ==(IpAddr left, IpAddr right) => left.Equals(right);

    public static bool operator !=(IpAddr left, IpAddr right) => !left.Equals(right);
}

/// <summary>
/// IPv4 text from a table: each octet's digits and a dot, stored four bytes at a time (the writes
/// may run up to three bytes past the text, so the destination needs 16 bytes).
/// </summary>
internal static class Ipv4Text
{
    // Per octet value: its digits then '.', little-endian in the low 4 bytes; the length (dot included) in byte 4.
    private static readonly ulong[] Octets = Build();

    public static bool Write(uint address, Span<byte> destination, out int written)
    {
        if (destination.Length < 16) throw new ArgumentException("16 bytes needed", nameof(destination));
        ref byte d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        ulong[] octets = Octets;
        int pos = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            ulong e = octets[(address >> shift) & 0xFF];
            System.Runtime.CompilerServices.Unsafe.WriteUnaligned(ref System.Runtime.CompilerServices.Unsafe.Add(ref d, pos),
                BitConverter.IsLittleEndian ? (uint)e : BinaryPrimitives.ReverseEndianness((uint)e));
            pos += (int)(e >> 32);
        }
        written = pos - 1; // without the last octet's dot
        return true;
    }

    private static ulong[] Build()
    {
        var table = new ulong[256];
        for (int o = 0; o < 256; o++)
        {
            string text = o.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".";
            ulong e = (ulong)text.Length << 32;
            for (int i = 0; i < text.Length; i++) e |= (ulong)(byte)text[i] << (8 * i);
            table[o] = e;
        }
        return table;
    }
}

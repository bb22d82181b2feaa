using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Decimal digits as ASCII bytes from a table of digit pairs, without the general number
/// formatter: what the ECS document writers, the ISO 8601 dates and the CEF writer format
/// counters, ports, ids and times with.
/// </summary>
public static class AsciiDigits
{
    /// <summary>Most digits an unsigned 64-bit number has.</summary>
    public const int MaxLength = 20;

    /// <summary>"00" to "99", two ASCII digits per number.</summary>
    public static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>
    /// Writes the digits of <paramref name="value"/> at the start of <paramref name="destination"/>
    /// (which must hold them: <see cref="Count"/>, at most <see cref="MaxLength"/>); returns how many.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(ulong value, Span<byte> destination)
    {
        // Most counters, ports and ids are below 100: no division.
        if (value < 10)
        {
            destination[0] = (byte)('0' + value);
            return 1;
        }
        if (value < 100)
        {
            WritePair((uint)value, destination);
            return 2;
        }
        return WriteLong(value, destination);
    }

    private static int WriteLong(ulong value, Span<byte> destination)
    {
        int n = Count(value);
        int pos = n;
        while (value >= 100)
        {
            pos -= 2;
            ulong q = value / 100;
            WritePair((uint)(value - q * 100), destination[pos..]);
            value = q;
        }
        if (value >= 10) WritePair((uint)value, destination);
        else destination[0] = (byte)('0' + value);
        return n;
    }

    /// <summary>How many decimal digits <paramref name="value"/> has.</summary>
    public static int Count(ulong value)
    {
        int n = 1;
        if (value >= 10_000_000_000)
        {
            value /= 10_000_000_000;
            n += 10;
        }
        if (value >= 100_000)
        {
            value /= 100_000;
            n += 5;
        }
        while (value >= 10)
        {
            value /= 10;
            n++;
        }
        return n;
    }

    /// <summary>The two digits of <paramref name="value"/> (below 100) at the start of <paramref name="destination"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void WritePair(uint value, Span<byte> destination)
    {
        ReadOnlySpan<byte> pairs = Pairs;
        destination[1] = pairs[(int)value * 2 + 1];
        destination[0] = pairs[(int)value * 2];
    }

    /// <summary>
    /// The two digits of <paramref name="value"/> (below 100) at <paramref name="offset"/> from
    /// <paramref name="destination"/>, as one unaligned 16-bit store and without bounds checks: the
    /// caller has checked the room (<see cref="Iso8601"/>, whose 24 bytes are checked once).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void WritePairUnchecked(ref byte destination, int offset, uint value) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref destination, offset),
            Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetReference(Pairs), (int)value * 2)));
}

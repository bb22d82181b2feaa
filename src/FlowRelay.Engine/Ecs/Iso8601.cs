using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlowRelay.Engine.Ecs;

/// <summary>
/// Formats Unix times as ISO 8601 UTC with milliseconds ("2026-11-28T04:10:46.498Z") straight into
/// UTF-8 digits. Every document carries several dates, and DateTime's custom-format path costs
/// more than the rest of a flow document; this is plain arithmetic.
/// </summary>
public static class Iso8601
{
    /// <summary>Length of the text written.</summary>
    public const int Length = 24;

    /// <summary>Writes <paramref name="unixNs"/> (Unix time in nanoseconds, 1970 to 2262) as 24 ASCII bytes.</summary>
    public static bool TryFormatUtcMillis(long unixNs, Span<byte> destination)
    {
        if (destination.Length < Length || unixNs < 0) return false;
        // Unsigned division by constants: the JIT makes them multiplications.
        ulong ms = (ulong)unixNs / 1_000_000;
        uint days = (uint)(ms / 86_400_000); // at most 106,751 (year 2262)
        uint msOfDay = (uint)(ms - days * 86_400_000UL);

        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse), in 32 bits.
        uint z = days + 719_468;
        uint era = z / 146_097;
        uint doe = z - era * 146_097;
        uint yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        uint year = yoe + era * 400;
        uint doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint mp = (5 * doy + 2) / 153;
        uint day = doy - (153 * mp + 2) / 5 + 1;
        uint month = mp < 10 ? mp + 3 : mp - 9;
        if (month <= 2) year++;

        uint hour = msOfDay / 3_600_000;
        uint minute = msOfDay / 60_000 % 60;
        uint second = msOfDay / 1000 % 60;
        uint milli = msOfDay % 1000;

        // The length was checked above: pairs of digits are stored two bytes at a time, without bounds checks.
        ref byte d = ref MemoryMarshal.GetReference(destination);
        Pair(ref d, 0, year / 100);
        Pair(ref d, 2, year % 100);
        Unsafe.Add(ref d, 4) = (byte)'-';
        Pair(ref d, 5, month);
        Unsafe.Add(ref d, 7) = (byte)'-';
        Pair(ref d, 8, day);
        Unsafe.Add(ref d, 10) = (byte)'T';
        Pair(ref d, 11, hour);
        Unsafe.Add(ref d, 13) = (byte)':';
        Pair(ref d, 14, minute);
        Unsafe.Add(ref d, 16) = (byte)':';
        Pair(ref d, 17, second);
        Unsafe.Add(ref d, 19) = (byte)'.';
        Unsafe.Add(ref d, 20) = (byte)('0' + milli / 100);
        Pair(ref d, 21, milli % 100);
        Unsafe.Add(ref d, 23) = (byte)'Z';
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair(ref byte destination, int offset, uint value) => AsciiDigits.WritePairUnchecked(ref destination, offset, value);

    /// <summary>
    /// Writes any Unix time as <c>DateTime</c>'s "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" writes it (before 1970
    /// through DateTime itself); returns the bytes written, 0 when it does not fit.
    /// </summary>
    public static int Format(long unixNs, Span<byte> destination)
    {
        if (TryFormatUtcMillis(unixNs, destination)) return Length;
        // Before 1970: rare enough (a broken exporter clock) for the general formatter.
        return DateTime.UnixEpoch.AddTicks(unixNs / 100).TryFormat(destination, out int n, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture) ? n : 0;
    }
}

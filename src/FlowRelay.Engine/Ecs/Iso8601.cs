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
        long ms = unixNs / 1_000_000;
        int days = (int)(ms / 86_400_000); // at most 106,751 (year 2262)
        int msOfDay = (int)(ms - days * 86_400_000L);

        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse), in 32 bits.
        int z = days + 719_468;
        int era = z / 146_097;
        int doe = z - era * 146_097;
        int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        int year = yoe + era * 400;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int day = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        if (month <= 2) year++;

        int hour = msOfDay / 3_600_000;
        int minute = msOfDay / 60_000 % 60;
        int second = msOfDay / 1000 % 60;
        int milli = msOfDay % 1000;

        ReadOnlySpan<byte> pairs = Pairs;
        Span<byte> d = destination[..Length];
        d[23] = (byte)'Z';
        d[0] = pairs[year / 100 * 2];
        d[1] = pairs[year / 100 * 2 + 1];
        d[2] = pairs[year % 100 * 2];
        d[3] = pairs[year % 100 * 2 + 1];
        d[4] = (byte)'-';
        d[5] = pairs[month * 2];
        d[6] = pairs[month * 2 + 1];
        d[7] = (byte)'-';
        d[8] = pairs[day * 2];
        d[9] = pairs[day * 2 + 1];
        d[10] = (byte)'T';
        d[11] = pairs[hour * 2];
        d[12] = pairs[hour * 2 + 1];
        d[13] = (byte)':';
        d[14] = pairs[minute * 2];
        d[15] = pairs[minute * 2 + 1];
        d[16] = (byte)':';
        d[17] = pairs[second * 2];
        d[18] = pairs[second * 2 + 1];
        d[19] = (byte)'.';
        d[20] = (byte)('0' + milli / 100);
        d[21] = pairs[milli % 100 * 2];
        d[22] = pairs[milli % 100 * 2 + 1];
        return true;
    }

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

    /// <summary>"00" to "99", two ASCII digits per number.</summary>
    private static ReadOnlySpan<byte> Pairs =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;
}

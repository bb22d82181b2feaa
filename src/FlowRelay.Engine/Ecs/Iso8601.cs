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
        long days = ms / 86_400_000;
        int msOfDay = (int)(ms - days * 86_400_000);

        // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse).
        long z = days + 719_468;
        long era = z / 146_097;
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long year = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int)(doy - (153 * mp + 2) / 5 + 1);
        int month = (int)(mp < 10 ? mp + 3 : mp - 9);
        if (month <= 2) year++;

        int hour = msOfDay / 3_600_000;
        int minute = msOfDay / 60_000 % 60;
        int second = msOfDay / 1000 % 60;
        int milli = msOfDay % 1000;

        Digits4(destination, (int)year);
        destination[4] = (byte)'-';
        Digits2(destination[5..], month);
        destination[7] = (byte)'-';
        Digits2(destination[8..], day);
        destination[10] = (byte)'T';
        Digits2(destination[11..], hour);
        destination[13] = (byte)':';
        Digits2(destination[14..], minute);
        destination[16] = (byte)':';
        Digits2(destination[17..], second);
        destination[19] = (byte)'.';
        destination[20] = (byte)('0' + milli / 100);
        destination[21] = (byte)('0' + milli / 10 % 10);
        destination[22] = (byte)('0' + milli % 10);
        destination[23] = (byte)'Z';
        return true;
    }

    private static void Digits2(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + v / 10);
        d[1] = (byte)('0' + v % 10);
    }

    private static void Digits4(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + v / 1000);
        d[1] = (byte)('0' + v / 100 % 10);
        d[2] = (byte)('0' + v / 10 % 10);
        d[3] = (byte)('0' + v % 10);
    }
}

namespace FlowRelay.Protocols.Syslog;

/// <summary>Date arithmetic and timestamp parsing shared by the syslog and DNS log parsers; never throws.</summary>
internal static class SyslogTime
{
    internal const long NsPerSecond = 1_000_000_000;
    internal const long NsPerDay = 86_400 * NsPerSecond;

    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil), so no
    // DateTime is built and no exception is possible on the hot path.
    internal static long DaysFromCivil(int y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        int era = (y >= 0 ? y : y - 399) / 400;
        int yoe = y - era * 400;
        int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097L + doe - 719468;
    }

    internal static int YearOf(long unixNs)
    {
        long z = FloorDiv(unixNs, NsPerDay) + 719468;
        long era = (z >= 0 ? z : z - 146096) / 146097;
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long m = mp < 10 ? mp + 3 : mp - 9;
        return (int)(yoe + era * 400 + (m <= 2 ? 1 : 0));
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    internal static bool ValidDate(int y, int m, int d)
    {
        if (m < 1 || m > 12 || d < 1) return false;
        int dim = m switch
        {
            2 => (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28,
            4 or 6 or 9 or 11 => 30,
            _ => 31,
        };
        return d <= dim;
    }

    internal static long ToUnixNs(int y, int mo, int d, int h, int mi, int s, long fracNs) =>
        DaysFromCivil(y, mo, d) * NsPerDay + ((h * 60L + mi) * 60 + s) * NsPerSecond + fracNs;

    internal static bool Digits(ReadOnlySpan<byte> s, int pos, int count, out int value)
    {
        value = 0;
        if (pos < 0 || pos + count > s.Length) return false;
        for (int i = pos; i < pos + count; i++)
        {
            uint c = (uint)(s[i] - '0');
            if (c > 9) return false;
            value = value * 10 + (int)c;
        }
        return true;
    }

    /// <summary>Month number 1-12 from a three-letter English abbreviation (any case), or 0.</summary>
    internal static int Month(ReadOnlySpan<byte> s, int pos)
    {
        if (pos + 3 > s.Length) return 0;
        int k = ((s[pos] | 0x20) << 16) | ((s[pos + 1] | 0x20) << 8) | (s[pos + 2] | 0x20);
        return k switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }

    // Fraction digits after '.', up to 9 kept (RFC 5424 §6.2.3 allows 6; some senders write 9).
    private static int Fraction(ReadOnlySpan<byte> s, int pos, out long ns)
    {
        ns = 0;
        int i = pos, n = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            if (n < 9) { ns = ns * 10 + (s[i] - '0'); n++; }
            i++;
        }
        for (int k = n; k < 9; k++) ns *= 10;
        return i - pos;
    }

    /// <summary>
    /// RFC 3339 date-time as RFC 5424 §6.2.3 restricts it: <c>YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)</c>.
    /// Lower-case 't'/'z' are accepted (RFC 3339 §5.6 note); a missing offset gives a local time.
    /// </summary>
    internal static bool TryParseRfc3339(ReadOnlySpan<byte> s, int offsetMinutes, out long ns, out SyslogTimeKind kind, out int consumed)
    {
        ns = 0; kind = SyslogTimeKind.None; consumed = 0;
        if (!Digits(s, 0, 4, out int y) || s.Length < 19 || s[4] != '-' || !Digits(s, 5, 2, out int mo) || s[7] != '-'
            || !Digits(s, 8, 2, out int d) || (s[10] | 0x20) != 't' || !Digits(s, 11, 2, out int h) || s[13] != ':'
            || !Digits(s, 14, 2, out int mi) || s[16] != ':' || !Digits(s, 17, 2, out int sec))
            return false;
        if (!ValidDate(y, mo, d) || h > 23 || mi > 59 || sec > 60) return false;
        if (sec == 60) sec = 59; // RFC 3339 §5.7 leap second; ns precision is not worth a table
        int i = 19;
        long frac = 0;
        if (i < s.Length && s[i] == '.')
        {
            int n = Fraction(s, i + 1, out frac);
            if (n == 0) return false;
            i += 1 + n;
        }
        long t = ToUnixNs(y, mo, d, h, mi, sec, frac);
        if (i < s.Length && (s[i] | 0x20) == 'z')
        {
            i++;
            kind = SyslogTimeKind.Zoned;
        }
        else if (i < s.Length && (s[i] == '+' || s[i] == '-'))
        {
            if (!Digits(s, i + 1, 2, out int oh) || i + 3 >= s.Length || s[i + 3] != ':' || !Digits(s, i + 4, 2, out int om) || oh > 23 || om > 59)
                return false;
            long off = (oh * 60L + om) * 60 * NsPerSecond;
            t -= s[i] == '+' ? off : -off;
            i += 6;
            kind = SyslogTimeKind.Zoned;
        }
        else
        {
            t -= offsetMinutes * 60L * NsPerSecond;
            kind = SyslogTimeKind.Local;
        }
        ns = t;
        consumed = i;
        return true;
    }

    /// <summary>
    /// RFC 3164 §4.1.2 <c>Mmm dd hh:mm:ss</c> (day space- or zero-padded, or one digit), plus the
    /// vendor additions: a year before or after the time (Cisco <c>Mmm dd yyyy hh:mm:ss</c>),
    /// fractional seconds, and a trailing ':'. A missing year is inferred from <paramref name="referenceNs"/>.
    /// </summary>
    internal static bool TryParseBsd(ReadOnlySpan<byte> s, long referenceNs, SyslogParserOptions options, out long ns, out int consumed)
    {
        ns = 0; consumed = 0;
        int mo = Month(s, 0);
        if (mo == 0 || s.Length < 4 || s[3] != ' ') return false;
        int i = 4;
        if (i < s.Length && s[i] == ' ') i++;
        int d;
        if (Digits(s, i, 2, out d)) i += 2;
        else if (Digits(s, i, 1, out d)) i += 1;
        else return false;
        if (i >= s.Length || s[i] != ' ') return false;
        i++;
        int year = 0;
        if (Digits(s, i, 4, out int y4) && i + 4 < s.Length && s[i + 4] == ' ')
        {
            year = y4;
            i += 5;
        }
        if (!Digits(s, i, 2, out int h) || i + 8 > s.Length || s[i + 2] != ':' || !Digits(s, i + 3, 2, out int mi)
            || s[i + 5] != ':' || !Digits(s, i + 6, 2, out int sec) || h > 23 || mi > 59 || sec > 60)
            return false;
        if (sec == 60) sec = 59;
        i += 8;
        long frac = 0;
        if (i < s.Length && s[i] == '.')
        {
            int n = Fraction(s, i + 1, out frac);
            i += 1 + n;
        }
        if (year == 0 && i + 5 <= s.Length && s[i] == ' ' && Digits(s, i + 1, 4, out int y5) && (i + 5 == s.Length || s[i + 5] == ' ' || s[i + 5] == ':'))
        {
            year = y5;
            i += 5;
        }
        if (i < s.Length && s[i] == ':') i++;
        long offset = options.AssumedOffsetMinutes * 60L * NsPerSecond;
        if (year != 0)
        {
            if (!ValidDate(year, mo, d)) return false;
            ns = ToUnixNs(year, mo, d, h, mi, sec, frac) - offset;
            consumed = i;
            return true;
        }
        // RFC 3164 §4.1.2 sends no year. Take the candidate year nearest the reference time among
        // those not more than the tolerance in the future: a December message read in January
        // belongs to last year, a message a few seconds ahead of our clock to this one.
        int ry = YearOf(referenceNs);
        bool found = false;
        long best = 0, bestDist = long.MaxValue;
        for (int cy = ry + 1; cy >= ry - 1; cy--)
        {
            if (!ValidDate(cy, mo, d)) continue;
            long t = ToUnixNs(cy, mo, d, h, mi, sec, frac) - offset;
            if (t - referenceNs > options.FutureToleranceNs) continue;
            long dist = Math.Abs(t - referenceNs);
            if (dist < bestDist) { best = t; bestDist = dist; found = true; }
        }
        if (!found)
        {
            // Feb 29 with no leap year among the candidates: fall back to the last leap year.
            int ly = ry;
            while (!ValidDate(ly, mo, d) && ly > ry - 8) ly--;
            if (!ValidDate(ly, mo, d)) return false;
            best = ToUnixNs(ly, mo, d, h, mi, sec, frac) - offset;
        }
        ns = best;
        consumed = i;
        return true;
    }
}

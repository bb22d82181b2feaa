namespace FlowRelay.Protocols.Syslog;

/// <summary>
/// Parses one already-framed syslog message, RFC 5424 or RFC 3164 (with the usual vendor
/// variants), into a <see cref="SyslogMessage"/> whose fields are slices of the input.
/// Allocates nothing and never throws: malformed input yields a status other than Ok.
/// </summary>
public static class SyslogParser
{
    private const byte Sp = (byte)' ';

    /// <summary>Parses with <see cref="SyslogParserOptions.Default"/>.</summary>
    public static SyslogParseStatus Parse(ReadOnlySpan<byte> input, long referenceUnixNs, out SyslogMessage message) =>
        Parse(input, referenceUnixNs, SyslogParserOptions.Default, out message);

    /// <summary>
    /// Parses <paramref name="input"/>. <paramref name="referenceUnixNs"/> (normally the arrival
    /// time) supplies the year RFC 3164 timestamps lack.
    /// </summary>
    public static SyslogParseStatus Parse(ReadOnlySpan<byte> input, long referenceUnixNs, SyslogParserOptions options, out SyslogMessage message)
    {
        message = default;
        options ??= SyslogParserOptions.Default;
        input = TrimEnd(input);
        int start = 0;
        while (start < input.Length && input[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        input = input[start..];
        if (input.IsEmpty) return SyslogParseStatus.Empty;

        // RFC 3164 §4.3.3: a message without a PRI is given user.notice by a relay.
        message.Facility = 1;
        message.Severity = 5;
        int pos = 0;
        if (input[0] == '<')
        {
            int pri = 0, i = 1;
            while (i < input.Length && i <= 4 && (uint)(input[i] - '0') <= 9) pri = pri * 10 + (input[i++] - '0');
            // RFC 5424 §6.2.1: PRIVAL is 1-3 digits, at most 191.
            if (i == 1 || i > 4 || i >= input.Length || input[i] != '>' || pri > 191) return SyslogParseStatus.BadPri;
            message.HasPri = true;
            message.Facility = pri >> 3;
            message.Severity = pri & 7;
            pos = i + 1;
        }

        var rest = input[pos..];
        // RFC 5424 §6.2.2: VERSION (1-3 digits, first non-zero) then SP right after PRI. An ISO
        // timestamp in 3164 position ("<13>2026-...") has '-' after four digits, so it is not taken.
        int v = 0;
        while (v < rest.Length && v < 3 && (uint)(rest[v] - '0') <= 9) v++;
        if (message.HasPri && v > 0 && v < rest.Length && rest[v] == Sp && rest[0] != '0')
            return Parse5424(rest, v, options, ref message);
        return Parse3164(rest, referenceUnixNs, options, ref message);
    }

    private static SyslogParseStatus Parse5424(ReadOnlySpan<byte> s, int versionLength, SyslogParserOptions options, ref SyslogMessage m)
    {
        SyslogTime.Digits(s, 0, versionLength, out int version);
        if (version != 1) return SyslogParseStatus.UnsupportedVersion;
        m.Format = SyslogFormat.Rfc5424;
        m.Version = 1;
        int i = versionLength + 1;

        var ts = NextToken(s, ref i);
        if (ts.IsEmpty) return SyslogParseStatus.BadHeader;
        if (!IsNil(ts))
        {
            if (!SyslogTime.TryParseRfc3339(ts, options.AssumedOffsetMinutes, out long ns, out var kind, out int used) || used != ts.Length)
                return SyslogParseStatus.BadTimestamp;
            m.TimestampUnixNs = ns;
            m.TimeKind = kind;
        }
        // RFC 5424 §6.2.4-6.2.7: HOSTNAME, APP-NAME, PROCID, MSGID, each NILVALUE or printable
        // US-ASCII without spaces. Lengths are not enforced: senders exceed them and the slices
        // are bounded by the frame anyway.
        var host = NextToken(s, ref i);
        var app = NextToken(s, ref i);
        var proc = NextToken(s, ref i);
        var msgId = NextToken(s, ref i);
        if (msgId.IsEmpty) return SyslogParseStatus.BadHeader;
        m.Hostname = Nil(host);
        m.AppName = Nil(app);
        m.ProcId = Nil(proc);
        m.MsgId = Nil(msgId);

        // RFC 5424 §6.3: STRUCTURED-DATA is NILVALUE or one or more SD-ELEMENTs with no space between.
        if (i >= s.Length) return SyslogParseStatus.BadHeader;
        int sdStart = i;
        if (s[i] == '-')
        {
            i++;
        }
        else
        {
            if (s[i] != '[') return SyslogParseStatus.BadStructuredData;
            int end = StructuredDataReader.ScanElements(s, i);
            if (end < 0) return SyslogParseStatus.BadStructuredData;
            m.StructuredData = s[sdStart..end];
            i = end;
        }
        if (i < s.Length)
        {
            if (s[i] != Sp) return SyslogParseStatus.BadStructuredData;
            i++;
        }
        SetBody(s[i..], ref m);
        return SyslogParseStatus.Ok;
    }

    private static SyslogParseStatus Parse3164(ReadOnlySpan<byte> s, long referenceNs, SyslogParserOptions options, ref SyslogMessage m)
    {
        m.Format = SyslogFormat.Rfc3164;
        int i = 0;
        // RFC 3164 §4.1.2 timestamp, or the RFC 3339 one rsyslog/syslog-ng put in its place
        // (RSYSLOG_ForwardFormat, syslog-ng ts-format(iso)). Some devices send none at all.
        if (SyslogTime.TryParseBsd(s, referenceNs, options, out long ns, out int used))
        {
            m.TimestampUnixNs = ns;
            m.TimeKind = SyslogTimeKind.Local;
            i = used;
        }
        else if (SyslogTime.TryParseRfc3339(s, options.AssumedOffsetMinutes, out ns, out var kind, out used) && (used == s.Length || s[used] == Sp))
        {
            m.TimestampUnixNs = ns;
            m.TimeKind = kind;
            i = used;
        }
        if (m.TimeKind != SyslogTimeKind.None)
        {
            while (i < s.Length && s[i] == Sp) i++;
            // RFC 3164 §4.1.2: HOSTNAME follows the timestamp. Devices that leave it out go
            // straight to "tag:" or "tag[pid]:", so a word ending in ':' or holding '[' is a tag.
            int e = i;
            while (e < s.Length && s[e] != Sp) e++;
            var word = s[i..e];
            if (!word.IsEmpty && word[^1] != ':' && word.IndexOf((byte)'[') < 0 && e < s.Length)
            {
                m.Hostname = word;
                i = e + 1;
                while (i < s.Length && s[i] == Sp) i++;
            }
        }
        ParseTag(s[i..], ref m);
        return SyslogParseStatus.Ok;
    }

    // RFC 3164 §4.1.3: TAG is alphanumeric up to 32 chars and CONTENT starts at the first other
    // character. In practice tags hold '/', '-', '.', '_' (postfix/smtpd), so the tag is the
    // leading run up to '[', ':' or space, and only counts as a tag when ':' or '[pid]' ends it.
    private static void ParseTag(ReadOnlySpan<byte> s, ref SyslogMessage m)
    {
        int t = 0;
        while (t < s.Length && t <= 48 && s[t] is not ((byte)'[' or (byte)':' or Sp)) t++;
        if (t == 0 || t > 48 || t >= s.Length)
        {
            SetBody(s, ref m);
            return;
        }
        if (s[t] == ':')
        {
            m.AppName = s[..t];
            SetBody(SkipSpace(s[(t + 1)..]), ref m);
            return;
        }
        if (s[t] == '[')
        {
            int close = s[t..].IndexOf((byte)']');
            if (close > 1 && close <= 130)
            {
                m.AppName = s[..t];
                m.ProcId = s[(t + 1)..(t + close)];
                int after = t + close + 1;
                if (after < s.Length && s[after] == ':') after++;
                SetBody(SkipSpace(s[after..]), ref m);
                return;
            }
        }
        SetBody(s, ref m);
    }

    private static void SetBody(ReadOnlySpan<byte> body, ref SyslogMessage m)
    {
        // RFC 5424 §6.4: MSG-UTF8 starts with the BOM.
        if (body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF)
        {
            m.HasBom = true;
            body = body[3..];
        }
        m.Message = body;
    }

    private static ReadOnlySpan<byte> SkipSpace(ReadOnlySpan<byte> s) => !s.IsEmpty && s[0] == Sp ? s[1..] : s;

    private static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> s)
    {
        int e = s.Length;
        while (e > 0 && s[e - 1] is (byte)'\n' or (byte)'\r' or 0) e--;
        return s[..e];
    }

    // The next SP-terminated token, or empty (and i past the end) when there is none: every
    // RFC 5424 header field is followed by SP, and an empty field is malformed.
    private static ReadOnlySpan<byte> NextToken(ReadOnlySpan<byte> s, scoped ref int i)
    {
        if (i >= s.Length) return default;
        int e = i;
        while (e < s.Length && s[e] != Sp) e++;
        if (e == i || e >= s.Length)
        {
            i = s.Length;
            return default;
        }
        var token = s[i..e];
        i = e + 1;
        return token;
    }

    private static bool IsNil(ReadOnlySpan<byte> t) => t.Length == 1 && t[0] == '-';

    private static ReadOnlySpan<byte> Nil(ReadOnlySpan<byte> t) => IsNil(t) ? default : t;
}

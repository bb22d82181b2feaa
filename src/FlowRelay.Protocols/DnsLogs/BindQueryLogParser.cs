using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Parses BIND 9 query-log lines (logging category <c>queries</c>), either the syslog body
/// (<c>client @0x7f… 10.0.0.5#53211 (example.com): query: example.com IN A +E(0)K (127.0.0.1)</c>)
/// or a whole file-channel line with <c>print-time</c> ("28-Nov-2026 04:34:51.947 queries: info: …").
/// With views the view is logged before "query:". Older BIND logs no <c>@0x…</c> client pointer.
/// Allocates only the query name (type and class names are interned). Never throws.
/// </summary>
public static class BindQueryLogParser
{
    private static ReadOnlySpan<byte> ClientMarker => "client "u8;
    private static ReadOnlySpan<byte> QueryMarker => "query: "u8;
    private static ReadOnlySpan<byte> ViewMarker => "view "u8;

    /// <summary>Parses one line into <paramref name="record"/> (cleared first).</summary>
    public static DnsLogParseStatus Parse(ReadOnlySpan<byte> line, out DnsQueryRecord record)
    {
        record = DnsQueryRecord.Empty();
        record.Format = DnsLogFormat.Bind;
        line = DnsText.TrimLine(line);
        if (line.IsEmpty) return DnsLogParseStatus.Empty;
        int c = line.IndexOf(ClientMarker);
        if (c < 0) return DnsLogParseStatus.WrongFormat;
        if (c > 0) ParseFileTime(line, ref record);

        int pos = c + ClientMarker.Length;
        var tok = DnsText.Token(line, ref pos);
        if (tok.StartsWith("@0x"u8)) tok = DnsText.Token(line, ref pos);
        if (!DnsText.TryParseEndpoint(tok, (byte)'#', out record.ClientIp, out record.ClientPort))
            return DnsLogParseStatus.Malformed;

        var rest = line[pos..];
        int q = rest.IndexOf(QueryMarker);
        // "client … : query (cache) 'x/A/IN' denied" and similar share the prefix; only "query: " is a query record.
        if (q < 0) return DnsLogParseStatus.NotAQuery;
        var beforeQuery = rest[..q];
        int v = beforeQuery.LastIndexOf(ViewMarker);
        if (v >= 0 && v + ViewMarker.Length < beforeQuery.Length && beforeQuery[^2] == ':')
        {
            var name = beforeQuery[(v + ViewMarker.Length)..^2];
            record.View = DnsText.Ascii(name);
        }

        var qs = rest[(q + QueryMarker.Length)..];
        int p = 0;
        var qname = DnsText.Token(qs, ref p);
        var qclass = DnsText.Token(qs, ref p);
        var qtype = DnsText.Token(qs, ref p);
        var flags = DnsText.Token(qs, ref p);
        var server = DnsText.Token(qs, ref p);
        if (qname.IsEmpty || qclass.IsEmpty || qtype.IsEmpty) return DnsLogParseStatus.Malformed;
        record.QueryName = DnsText.NormaliseName(qname);
        record.QueryClass = DnsNames.ClassNumber(qclass);
        record.QueryClassName = record.QueryClass != 0 ? DnsNames.ClassName(record.QueryClass) : DnsText.Ascii(qclass);
        record.QueryTypeName = DnsNames.TypeNameOf(qtype, out record.QueryType);
        record.Flags = ParseFlags(flags);
        if (server.Length > 2 && server[0] == '(' && server[^1] == ')')
            DnsText.TryParseIp(server[1..^1], out record.Server);
        return DnsLogParseStatus.Ok;
    }

    // lib/ns/query.c (log_query): '+' or '-' for RD, then S (signed), E(version) (EDNS),
    // T (TCP), D (DO), C (CD), V (valid server cookie) or K (cookie present).
    private static DnsQueryFlags ParseFlags(ReadOnlySpan<byte> f)
    {
        if (f.IsEmpty || (f[0] != '+' && f[0] != '-')) return DnsQueryFlags.None;
        var flags = f[0] == '+' ? DnsQueryFlags.RecursionDesired : DnsQueryFlags.None;
        for (int i = 1; i < f.Length; i++)
        {
            switch (f[i])
            {
                case (byte)'S': flags |= DnsQueryFlags.Signed; break;
                case (byte)'E': flags |= DnsQueryFlags.Edns; break;
                case (byte)'T': flags |= DnsQueryFlags.Tcp; break;
                case (byte)'D': flags |= DnsQueryFlags.DnssecOk; break;
                case (byte)'C': flags |= DnsQueryFlags.CheckingDisabled; break;
                case (byte)'K': flags |= DnsQueryFlags.Cookie; break;
                case (byte)'V': flags |= DnsQueryFlags.Cookie | DnsQueryFlags.ValidServerCookie; break;
            }
        }
        return flags;
    }

    // print-time in a file channel: "dd-Mmm-yyyy hh:mm:ss.mmm", the server's local time (BIND
    // writes no zone unless print-time iso8601-utc, "yyyy-mm-ddThh:mm:ss.mmmZ").
    private static void ParseFileTime(ReadOnlySpan<byte> s, ref DnsQueryRecord r)
    {
        if (SyslogTime.TryParseRfc3339(s, 0, out long iso, out var kind, out _))
        {
            r.TimestampUnixNs = iso;
            r.TimestampHasZone = kind == SyslogTimeKind.Zoned;
            return;
        }
        if (s.Length < 20 || s[2] != '-' || s[6] != '-' || s[11] != ' ') return;
        int mo = SyslogTime.Month(s, 3);
        if (mo == 0 || !SyslogTime.Digits(s, 0, 2, out int d) || !SyslogTime.Digits(s, 7, 4, out int y)
            || !SyslogTime.Digits(s, 12, 2, out int h) || s[14] != ':' || !SyslogTime.Digits(s, 15, 2, out int mi)
            || s[17] != ':' || !SyslogTime.Digits(s, 18, 2, out int sec) || !SyslogTime.ValidDate(y, mo, d) || h > 23 || mi > 59 || sec > 59)
            return;
        long frac = 0;
        if (s.Length > 23 && s[20] == '.' && SyslogTime.Digits(s, 21, 3, out int ms)) frac = ms * 1_000_000L;
        r.TimestampUnixNs = SyslogTime.ToUnixNs(y, mo, d, h, mi, sec, frac);
        r.TimestampHasZone = false;
    }
}

using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Parses Unbound <c>log-queries</c> lines (<c>info: 127.0.0.1 example.com. A IN</c>) and
/// <c>log-replies</c> lines (<c>info: 127.0.0.1 example.com. A IN NOERROR 0.000000 0 45</c>:
/// rcode, seconds taken, whether answered from cache, reply size), as a syslog body or a
/// logfile line with its <c>[epoch]</c> or <c>log-time-ascii</c> time. With both options on
/// every query is logged twice; <c>isReply</c> tells the lines apart so the caller keeps one.
/// Never throws.
/// </summary>
public static class UnboundLogParser
{
    /// <summary>Parses one line. <paramref name="referenceUnixNs"/> gives the year of a <c>log-time-ascii</c> time.</summary>
    public static DnsLogParseStatus Parse(ReadOnlySpan<byte> line, long referenceUnixNs, out DnsQueryRecord record, out bool isReply)
    {
        record = DnsQueryRecord.Empty();
        record.Format = DnsLogFormat.Unbound;
        isReply = false;
        line = DnsText.TrimLine(line);
        if (line.IsEmpty) return DnsLogParseStatus.Empty;
        int info = line.IndexOf("info: "u8);
        if (info < 0) return line.IndexOf("unbound"u8) >= 0 ? DnsLogParseStatus.NotAQuery : DnsLogParseStatus.WrongFormat;
        ParseTime(line[..info], referenceUnixNs, ref record);

        var s = line[(info + 6)..];
        int pos = 0;
        var client = DnsText.Token(s, ref pos);
        var qname = DnsText.Token(s, ref pos);
        var qtype = DnsText.Token(s, ref pos);
        var qclass = DnsText.Token(s, ref pos);
        if (qclass.IsEmpty) return DnsLogParseStatus.NotAQuery;
        // Newer Unbound writes "ip@port"; 1.17 only the address.
        if (!DnsText.TryParseEndpoint(client, (byte)'@', out record.ClientIp, out record.ClientPort))
            return DnsLogParseStatus.NotAQuery; // other info: lines ("start of service", "generate keytag query" …)
        record.QueryClass = DnsNames.ClassNumber(qclass);
        if (record.QueryClass == 0) return DnsLogParseStatus.NotAQuery;
        record.QueryClassName = DnsNames.ClassName(record.QueryClass);
        record.QueryName = DnsText.NormaliseName(qname);
        record.QueryTypeName = DnsNames.TypeNameOf(qtype, out record.QueryType);

        var rcode = DnsText.Token(s, ref pos);
        if (rcode.IsEmpty) return DnsLogParseStatus.Ok;
        isReply = true;
        int code = DnsNames.ResponseCodeNumber(rcode);
        if (code < 0) return DnsLogParseStatus.Malformed;
        record.SetResponseCode(code);
        var secs = DnsText.Token(s, ref pos);
        var cached = DnsText.Token(s, ref pos);
        var size = DnsText.Token(s, ref pos);
        if (DnsText.TryParseSeconds(secs, out long ns)) record.DurationNs = ns;
        if (cached.Length == 1 && cached[0] == '1') record.Flags |= DnsQueryFlags.Cached;
        if (DnsText.TryParseUInt(size, out long bytes) && bytes <= 65535) record.ResponseBytes = (int)bytes;
        return DnsLogParseStatus.Ok;
    }

    private static void ParseTime(ReadOnlySpan<byte> prefix, long referenceNs, ref DnsQueryRecord r)
    {
        if (prefix.Length > 2 && prefix[0] == '[')
        {
            int close = prefix.IndexOf((byte)']');
            if (close > 1 && DnsText.TryParseUInt(prefix[1..close], out long epoch) && epoch < 100_000_000_000)
            {
                r.TimestampUnixNs = epoch * 1_000_000_000;
                r.TimestampHasZone = true;
            }
            return;
        }
        if (SyslogTime.TryParseBsd(prefix, referenceNs, SyslogParserOptions.Default, out long ns, out _))
            r.TimestampUnixNs = ns;
    }
}

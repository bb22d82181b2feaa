using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Parses dnsmasq <c>log-queries</c> lines, plain or <c>log-queries=extra</c>
/// (<c>7 127.0.0.1/49042 cached www.lab.test is 10.1.2.4</c>), given either as the syslog body
/// or as a <c>log-facility</c> file line ("Nov 28 04:34:52 dnsmasq[14788]: …"). One line is one
/// fact about a query; <see cref="DnsmasqQueryJoiner"/> joins them into records. Never throws.
/// </summary>
public static class DnsmasqLogParser
{
    /// <summary>Parses <paramref name="line"/>; <paramref name="referenceUnixNs"/> supplies the year of a file line's time.</summary>
    public static DnsLogParseStatus Parse(ReadOnlySpan<byte> line, long referenceUnixNs, out DnsmasqLogLine result)
    {
        result = default;
        result.Serial = -1;
        line = DnsText.TrimLine(line);
        if (line.IsEmpty) return DnsLogParseStatus.Empty;
        // A file line starts "Mmm dd hh:mm:ss dnsmasq[pid]: "; a syslog body has no prefix. Only a
        // tag near the start counts, so a query name containing "dnsmasq" is not mistaken for it.
        int tag = line.IndexOf("dnsmasq"u8);
        if (tag >= 0 && tag <= 40)
        {
            var after = line[(tag + 7)..];
            int body = -1;
            if (after.StartsWith("["u8))
            {
                int close = after.IndexOf("]: "u8);
                if (close > 1 && close <= 12) body = tag + 7 + close + 3;
            }
            else if (after.StartsWith(": "u8)) body = tag + 9;
            else if (after.StartsWith("-dhcp"u8)) return DnsLogParseStatus.NotAQuery;
            if (body >= 0)
            {
                if (tag > 0 && SyslogTime.TryParseBsd(line[..tag], referenceUnixNs, SyslogParserOptions.Default, out long ns, out _))
                    result.TimestampUnixNs = ns;
                line = line[body..];
            }
        }

        int pos = 0;
        var first = DnsText.Token(line, ref pos);
        // log-queries=extra (dnsmasq 2.80+): "<serial> <client>/<port> " before the action.
        if (!first.IsEmpty && DnsText.TryParseUInt(first, out long serial))
        {
            var ep = DnsText.Token(line, ref pos);
            if (!DnsText.TryParseEndpoint(ep, (byte)'/', out result.ClientIp, out result.ClientPort))
                return DnsLogParseStatus.Malformed;
            result.Serial = serial;
            first = DnsText.Token(line, ref pos);
        }
        if (first.IsEmpty) return DnsLogParseStatus.Malformed;

        var name = DnsText.Token(line, ref pos);
        var verb = DnsText.Token(line, ref pos);
        while (pos < line.Length && line[pos] == ' ') pos++;
        var value = line[pos..];
        if (name.IsEmpty || verb.IsEmpty) return DnsLogParseStatus.NotAQuery;
        result.Name = name;
        result.Value = value;

        if (first.StartsWith("query["u8) && first[^1] == ']')
        {
            if (!DnsNames.Is(verb, "from")) return DnsLogParseStatus.Malformed;
            result.Kind = DnsmasqLineKind.Query;
            result.Type = first[6..^1];
            if (result.Serial < 0 || !result.ClientIp.IsSet) DnsText.TryParseIp(value, out result.ClientIp);
            return DnsLogParseStatus.Ok;
        }
        if (first.StartsWith("dnssec-query["u8) || DnsNames.Is(first, "validation"))
        {
            result.Kind = DnsmasqLineKind.Dnssec;
            return DnsLogParseStatus.Ok;
        }
        if (DnsNames.Is(verb, "to") && DnsNames.Is(first, "forwarded"))
        {
            result.Kind = DnsmasqLineKind.Forwarded;
            return DnsLogParseStatus.Ok;
        }
        if (!DnsNames.Is(verb, "is")) return DnsLogParseStatus.NotAQuery;
        if (DnsNames.Is(first, "reply")) result.Kind = DnsmasqLineKind.Reply;
        else if (DnsNames.Is(first, "cached") || DnsNames.Is(first, "cached-stale")) result.Kind = DnsmasqLineKind.Cached;
        else if (DnsNames.Is(first, "config")) result.Kind = DnsmasqLineKind.Config;
        else if (first[0] == '/') result.Kind = DnsmasqLineKind.HostsFile;
        else return DnsLogParseStatus.NotAQuery;
        return DnsLogParseStatus.Ok;
    }

    /// <summary>
    /// Applies an answer line's value to a record: NXDOMAIN and the NODATA forms set the RCODE
    /// (NODATA is NOERROR with no answer), anything else is an answer (NOERROR).
    /// </summary>
    internal static void ApplyAnswer(ReadOnlySpan<byte> value, ref DnsQueryRecord r)
    {
        if (DnsNames.Is(value, "NXDOMAIN"))
        {
            r.SetResponseCode(3);
            return;
        }
        if (value.StartsWith("NODATA"u8))
        {
            if (r.ResponseCode < 0) r.SetResponseCode(0);
            return;
        }
        if (DnsNames.Is(value, "SERVFAIL")) { r.SetResponseCode(2); return; }
        if (DnsNames.Is(value, "REFUSED")) { r.SetResponseCode(5); return; }
        if (r.ResponseCode < 0) r.SetResponseCode(0);
        if (!value.IsEmpty) r.AddAnswer(DnsText.Ascii(value));
    }
}

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>
/// Tells the DNS log format from one line (a syslog body or a file line), and reads a format
/// named in configuration. Detection looks for each program's fixed markers; lines of no
/// query (start-up notices) may stay <see cref="DnsLogFormat.Unknown"/>, so detect on several lines.
/// </summary>
public static class DnsLogFormatDetector
{
    /// <summary>The format of <paramref name="line"/>, or Unknown.</summary>
    public static DnsLogFormat Detect(ReadOnlySpan<byte> line)
    {
        line = DnsText.TrimLine(line);
        if (line.IsEmpty) return DnsLogFormat.Unknown;
        if (line[0] == '{')
            return line.IndexOf("\"id.orig_h\""u8) >= 0 || line.IndexOf("\"qtype_name\""u8) >= 0 ? DnsLogFormat.ZeekJson : DnsLogFormat.Unknown;
        if (line[0] == '#')
            return line.StartsWith("#separator"u8) || line.StartsWith("#fields\t"u8) || line.StartsWith("#path\tdns"u8)
                ? DnsLogFormat.ZeekTsv : DnsLogFormat.Unknown;
        int c = line.IndexOf("client "u8);
        if (c >= 0 && line[c..].IndexOf(": query: "u8) >= 0) return DnsLogFormat.Bind;
        if (line.IndexOf("dnsmasq["u8) >= 0 || line.IndexOf("dnsmasq:"u8) >= 0) return DnsLogFormat.Dnsmasq;
        if (line.IndexOf("unbound["u8) >= 0) return DnsLogFormat.Unbound;
        // Syslog bodies without the program name.
        if (DnsmasqLogParser.Parse(line, 0, out var dm) == DnsLogParseStatus.Ok && dm.Kind != DnsmasqLineKind.Other)
            return DnsLogFormat.Dnsmasq;
        if (line.IndexOf("info: "u8) >= 0 && UnboundLogParser.Parse(line, 0, out _, out _) == DnsLogParseStatus.Ok)
            return DnsLogFormat.Unbound;
        if (line.Count((byte)'\t') >= 15) return DnsLogFormat.ZeekTsv;
        return DnsLogFormat.Unknown;
    }

    /// <summary>
    /// Reads a configured format name: bind (bind9, named), dnsmasq, unbound, zeek-json,
    /// zeek-tsv (zeek), or auto (gives Unknown: detect per line). Case-insensitive.
    /// </summary>
    public static bool TryParseName(string? name, out DnsLogFormat format)
    {
        format = DnsLogFormat.Unknown;
        switch (name?.Trim().ToLowerInvariant())
        {
            case "auto": return true;
            case "bind" or "bind9" or "named": format = DnsLogFormat.Bind; return true;
            case "dnsmasq": format = DnsLogFormat.Dnsmasq; return true;
            case "unbound": format = DnsLogFormat.Unbound; return true;
            case "zeek-json" or "zeek_json" or "zeekjson": format = DnsLogFormat.ZeekJson; return true;
            case "zeek-tsv" or "zeek_tsv" or "zeek": format = DnsLogFormat.ZeekTsv; return true;
            default: return false;
        }
    }
}

using FlowRelay.Protocols.DnsLogs;

namespace FlowRelay.Config;

/// <summary>The <c>format</c> values of log inputs and the <see cref="DnsLogFormat"/> each names.</summary>
public static class DnsLogFormatNames
{
    private static readonly Dictionary<string, DnsLogFormat> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = DnsLogFormat.Unknown,
        ["bind"] = DnsLogFormat.Bind,
        ["dnsmasq"] = DnsLogFormat.Dnsmasq,
        ["unbound"] = DnsLogFormat.Unbound,
        ["zeek_json"] = DnsLogFormat.ZeekJson,
        ["zeek_tsv"] = DnsLogFormat.ZeekTsv,
    };

    /// <summary>The accepted values, for messages.</summary>
    public static string Accepted => string.Join(", ", Names.Keys);

    /// <summary>Parses a format name; false when unknown.</summary>
    public static bool TryParse(string? text, out DnsLogFormat format) => Names.TryGetValue(text?.Trim() ?? "", out format);
}

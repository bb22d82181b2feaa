using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlowRelay.IntegrationTests.Infrastructure;

/// <summary>
/// Flow records as Wireshark's cflow dissector sees them (<c>tshark -T json</c>), and the same
/// fields taken from a relay document, each as a sorted "name=value" line so the two compare
/// field by field.
/// </summary>
public static partial class TsharkFlows
{
    public static async Task<List<SortedDictionary<string, string>>> ReadAsync(string pcap)
    {
        var run = await ChildProcess.RunAsync(TimeSpan.FromSeconds(60), "tshark", ["-n", "-r", pcap, "-T", "json"]);
        using var json = JsonDocument.Parse(run.StandardOutput);
        var result = new List<SortedDictionary<string, string>>();
        foreach (var packet in json.RootElement.EnumerateArray())
        {
            var layers = packet.GetProperty("_source").GetProperty("layers");
            if (!layers.TryGetProperty("cflow", out var cflow)) continue;
            var header = Scalars(cflow);
            // IPFIX: systemInitTimeMilliseconds (IE 160) comes in softflowd's options data record.
            if (Scalars(cflow, deep: true).TryGetValue("cflow.sys_init_time", out var init)) header["cflow.sys_init_time"] = init;
            Walk(cflow, header, flowsetId: null, result);
        }
        return result;
    }

    private static void Walk(JsonElement node, Dictionary<string, string> header, string? flowsetId, List<SortedDictionary<string, string>> result)
    {
        foreach (var child in node.EnumerateObject())
        {
            if (child.Value.ValueKind != JsonValueKind.Object) continue;
            var value = child.Value;
            if (value.TryGetProperty("cflow.octets", out _))
            {
                result.Add(FromTshark(header, flowsetId, Scalars(value, deep: true)));
                continue;
            }
            string? id = value.TryGetProperty("cflow.flowset_id", out var fid) ? fid.GetString() : flowsetId;
            Walk(value, header, id, result);
        }
    }

    private static Dictionary<string, string> Scalars(JsonElement node, bool deep = false)
    {
        var d = new Dictionary<string, string>();
        foreach (var p in node.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.String) d.TryAdd(p.Name, p.Value.GetString()!);
            else if (deep && p.Value.ValueKind == JsonValueKind.Object)
                foreach (var (k, v) in Scalars(p.Value, deep)) d.TryAdd(k, v);
        }
        return d;
    }

    private static SortedDictionary<string, string> FromTshark(Dictionary<string, string> h, string? flowsetId, Dictionary<string, string> r)
    {
        int version = int.Parse(h["cflow.version"], CultureInfo.InvariantCulture);
        int protocol = int.Parse(r["cflow.protocol"], CultureInfo.InvariantCulture);
        var f = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["flowrelay.version"] = version.ToString(CultureInfo.InvariantCulture),
            ["flowrelay.sequence"] = h["cflow.sequence"],
            ["source.ip"] = FlowTuple.Canonical(r.GetValueOrDefault("cflow.srcaddr") ?? r["cflow.srcaddrv6"]),
            ["destination.ip"] = FlowTuple.Canonical(r.GetValueOrDefault("cflow.dstaddr") ?? r["cflow.dstaddrv6"]),
            ["network.iana_number"] = protocol.ToString(CultureInfo.InvariantCulture),
            ["network.bytes"] = r["cflow.octets"],
            ["network.packets"] = r["cflow.packets"],
            ["flowrelay.tcp_flags"] = r.TryGetValue("cflow.tcpflags", out var flags) ? Hex(flags).ToString(CultureInfo.InvariantCulture) : "0",
            ["flowrelay.tos"] = r.TryGetValue("cflow.tos", out var tos) ? Hex(tos).ToString(CultureInfo.InvariantCulture) : "0",
            ["observer.ingress.interface.id"] = r.GetValueOrDefault("cflow.inputint", ""),
            ["observer.egress.interface.id"] = r.GetValueOrDefault("cflow.outputint", ""),
            ["event.duration.ms"] = Milliseconds(r["cflow.timedelta"]).ToString(CultureInfo.InvariantCulture),
        };
        if (version != 5)
        {
            f["flowrelay.template_id"] = flowsetId ?? "";
            f["flowrelay.source_id"] = h.GetValueOrDefault("cflow.source_id") ?? h.GetValueOrDefault("cflow.od_id", "");
            f["flowrelay.end_reason"] = r.GetValueOrDefault("cflow.flow_end_reason", "");
            f["flowrelay.flow_direction"] = r.GetValueOrDefault("cflow.direction") switch { "0" => "ingress", "1" => "egress", var other => other ?? "" };
        }
        if (FlowTuple.IsIcmp(protocol))
        {
            // v5 carries ICMP type and code in the destination port (type * 256 + code), v9/IPFIX in
            // icmpTypeCodeIPv4 / icmpTypeIPv6 + icmpCodeIPv6.
            int typeCode = r.TryGetValue("cflow.icmp_type_code_ipv4", out var tc) ? Hex(tc)
                : r.TryGetValue("cflow.icmp_ipv6_type", out var t6) ? int.Parse(t6, CultureInfo.InvariantCulture) * 256 + int.Parse(r.GetValueOrDefault("cflow.icmp_ipv6_code", "0"), CultureInfo.InvariantCulture)
                : int.Parse(r.GetValueOrDefault("cflow.dstport", "0"), CultureInfo.InvariantCulture);
            f["flowrelay.icmp.type"] = (typeCode >> 8).ToString(CultureInfo.InvariantCulture);
            f["flowrelay.icmp.code"] = (typeCode & 0xff).ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            f["source.port"] = r.GetValueOrDefault("cflow.srcport", "");
            f["destination.port"] = r.GetValueOrDefault("cflow.dstport", "");
        }
        // Absolute times for v5/v9: export time minus (sysUptime - first/last switched), in
        // 32-bit millisecond arithmetic as the uptime counter wraps (RFC 3954 section 5.2).
        if (version is 5 or 9 && h.TryGetValue("cflow.sysuptime", out var up) && h.TryGetValue("cflow.timestamp", out var ts))
        {
            var exported = ParseTsharkTime(ts);
            long uptime = Milliseconds(up);
            f["event.start"] = Iso(exported.AddMilliseconds(-(uint)(uptime - Milliseconds(r["cflow.timestart"]))));
            f["event.end"] = Iso(exported.AddMilliseconds(-(uint)(uptime - Milliseconds(r["cflow.timeend"]))));
        }
        // IPFIX flowStart/EndSysUpTime (IE 22/21) count ms from systemInitTimeMilliseconds in a
        // 32-bit counter: of the instants that value can stand for, the flow happened at the
        // latest one that is not after the export time.
        if (version == 10)
        {
            if (h.TryGetValue("cflow.sys_init_time", out var initText) && h.TryGetValue("cflow.timestamp", out var exportText))
            {
                var init = ParseTsharkTime(initText);
                var exported = ParseTsharkTime(exportText).AddSeconds(1); // export time has whole seconds
                DateTimeOffset Resolve(string up)
                {
                    var t = init.AddMilliseconds(Milliseconds(up));
                    while (t > exported) t = t.AddMilliseconds(-4294967296d);
                    return t;
                }
                f["event.start"] = Iso(Resolve(r["cflow.timestart"]));
                f["event.end"] = Iso(Resolve(r["cflow.timeend"]));
            }
            else
            {
                f["event.start"] = f["event.end"] = "(no systemInitTimeMilliseconds in the packet)";
            }
        }
        return f;
    }

    /// <summary>The same fields as <see cref="FromTshark"/> from a relay document.</summary>
    public static SortedDictionary<string, string> FromRelay(JsonElement doc)
    {
        int version = (int)(doc.GetLong("flowrelay.version") ?? 0);
        int protocol = (int)(doc.GetLong("network.iana_number") ?? -1);
        string S(string path, string absent = "") => doc.GetString(path) ?? absent;
        var f = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["flowrelay.version"] = version.ToString(CultureInfo.InvariantCulture),
            ["flowrelay.sequence"] = S("flowrelay.sequence"),
            ["source.ip"] = FlowTuple.Canonical(S("source.ip", "0.0.0.0")),
            ["destination.ip"] = FlowTuple.Canonical(S("destination.ip", "0.0.0.0")),
            ["network.iana_number"] = protocol.ToString(CultureInfo.InvariantCulture),
            ["network.bytes"] = S("network.bytes"),
            ["network.packets"] = S("network.packets"),
            ["flowrelay.tcp_flags"] = S("flowrelay.tcp_flags", "0"),
            ["flowrelay.tos"] = S("flowrelay.tos", "0"),
            ["observer.ingress.interface.id"] = S("observer.ingress.interface.id"),
            ["observer.egress.interface.id"] = S("observer.egress.interface.id"),
            ["event.duration.ms"] = ((doc.GetLong("event.duration") ?? -1_000_000) / 1_000_000).ToString(CultureInfo.InvariantCulture),
        };
        if (version != 5)
        {
            f["flowrelay.template_id"] = S("flowrelay.template_id");
            f["flowrelay.source_id"] = S("flowrelay.source_id");
            f["flowrelay.end_reason"] = S("flowrelay.end_reason");
            f["flowrelay.flow_direction"] = S("flowrelay.flow_direction");
        }
        if (FlowTuple.IsIcmp(protocol))
        {
            f["flowrelay.icmp.type"] = S("flowrelay.icmp.type");
            f["flowrelay.icmp.code"] = S("flowrelay.icmp.code");
        }
        else
        {
            f["source.port"] = S("source.port");
            f["destination.port"] = S("destination.port");
        }
        if (version is 5 or 9 or 10)
        {
            f["event.start"] = doc.GetString("event.start") is { } start ? Iso(DateTimeOffset.Parse(start, CultureInfo.InvariantCulture)) : "";
            f["event.end"] = doc.GetString("event.end") is { } end ? Iso(DateTimeOffset.Parse(end, CultureInfo.InvariantCulture)) : "";
        }
        return f;
    }

    public static List<string> Lines(IEnumerable<SortedDictionary<string, string>> records, params string[] except) =>
        records.Select(r => string.Join(' ', r.Where(kv => !except.Contains(kv.Key)).Select(kv => $"{kv.Key}={kv.Value}"))).Order(StringComparer.Ordinal).ToList();

    /// <summary>The fields that place a flow in time.</summary>
    public static readonly string[] TimeFields = ["event.start", "event.end"];

    private static int Hex(string s) => s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
        ? int.Parse(s[2..], NumberStyles.HexNumber, CultureInfo.InvariantCulture)
        : int.Parse(s, CultureInfo.InvariantCulture);

    private static long Milliseconds(string seconds) => (long)Math.Round(decimal.Parse(seconds, CultureInfo.InvariantCulture) * 1000m);

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>tshark prints absolute times as "Nov 28, 2026 04:31:40.000000000 UTC".</summary>
    public static DateTimeOffset ParseTsharkTime(string text)
    {
        var m = TsharkTime().Match(text);
        if (!m.Success) throw new FormatException($"unexpected tshark time '{text}'");
        var t = DateTime.ParseExact($"{m.Groups[1].Value} {int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture):00} {m.Groups[3].Value} {m.Groups[4].Value}",
            "MMM dd yyyy HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var fraction = m.Groups[5].Value.PadRight(7, '0')[..7];
        return new DateTimeOffset(t.AddTicks(long.Parse(fraction, CultureInfo.InvariantCulture)), TimeSpan.Zero);
    }

    [GeneratedRegex(@"^(\w{3})\s+(\d{1,2}),\s+(\d{4})\s+(\d{2}:\d{2}:\d{2})\.?(\d*)")]
    private static partial Regex TsharkTime();
}

using System.Globalization;
using System.Text.Json;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;

namespace FlowRelay.Protocols.Tests;

/// <summary>
/// Real softflowd exports (made by scripts/make-captures.sh) decoded and compared record by record
/// with tshark's NetFlow/IPFIX dissector.
/// </summary>
public class GoldenCaptureTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Captures");

    [Theory]
    [InlineData("softflowd-v5")]
    [InlineData("softflowd-v9")]
    [InlineData("softflowd-ipfix")]
    public void Decodes_every_packet_like_tshark(string name)
    {
        var frames = PcapReader.ReadUdp(Path.Combine(Dir, name + ".pcap"));
        var expected = TsharkFlows(Path.Combine(Dir, name + ".tshark.json"));
        Assert.Equal(expected.Count, frames.Count);
        var traffic = PcapReader.ReadFrames(Path.Combine(Dir, "traffic.pcap"));
        long trafficFirst = traffic.Min(f => f.TimeNs), trafficLast = traffic.Max(f => f.TimeNs);

        var d = new FlowDecoder(new FlowDecoderOptions());
        int total = 0;
        for (int i = 0; i < frames.Count; i++)
        {
            var sink = new CollectingSink();
            var res = d.Decode(frames[i].UdpPayload, frames[i].Source, frames[i].TimeNs, ref sink);
            Assert.Equal(DecodeStatus.Ok, res.Status);
            Assert.Equal(expected[i].Count, sink.Records.Count);
            for (int j = 0; j < sink.Records.Count; j++)
                Compare(expected[i][j], sink.Records[j], $"{name} packet {i + 1} flow {j + 1}", trafficFirst, trafficLast);
            total += sink.Records.Count;
        }
        Assert.True(total > 0);
        Assert.Equal(total, d.Counters.Total.Records);
        Assert.Equal(0, d.Counters.Total.Errors.Sum());
    }

    [Fact]
    public void IPFIX_data_that_waited_for_its_template_decodes_as_if_it_had_come_in_order()
    {
        // softflowd's export carries templates, options data (systemInitTimeMilliseconds) and
        // flow data in one message. Sent as data first and templates later, the waiting flow
        // records must still get their times from the options data that waited beside them.
        var frame = PcapReader.ReadUdp(Path.Combine(Dir, "softflowd-ipfix.pcap"))[0];
        byte[] packet = frame.UdpPayload.ToArray();
        var (templatesOnly, dataOnly) = SplitIpfix(packet);

        var inOrder = new CollectingSink();
        new FlowDecoder(new FlowDecoderOptions()).Decode(packet, frame.Source, frame.TimeNs, ref inOrder);

        var d = new FlowDecoder(new FlowDecoderOptions());
        var late = new CollectingSink();
        Assert.Equal(0, d.Decode(dataOnly, frame.Source, frame.TimeNs, ref late).Records);
        d.Decode(templatesOnly, frame.Source, frame.TimeNs + 1_000_000_000, ref late);

        Assert.Equal(late.Records.Count, d.Counters.Total.RecordsDecodedLate);
        // Waiting sets are replayed template by template, so compare the records as a set.
        static string Key(FlowRecord r) => $"{r.SourceAddress}:{r.SourcePort}>{r.DestinationAddress}:{r.DestinationPort}/{r.Protocol} {r.Bytes}B {r.Packets}p {r.StartNs}-{r.EndNs}";
        Assert.Equal(inOrder.Records.Select(Key).Order(), late.Records.Select(Key).Order());
    }

    /// <summary>Splits an IPFIX message into one with its template sets and one with its data sets.</summary>
    private static (byte[] Templates, byte[] Data) SplitIpfix(byte[] packet)
    {
        var templates = new List<byte>(packet[..16]);
        var data = new List<byte>(packet[..16]);
        for (int pos = 16; pos + 4 <= packet.Length;)
        {
            int setId = packet[pos] << 8 | packet[pos + 1];
            int length = packet[pos + 2] << 8 | packet[pos + 3];
            (setId is 2 or 3 ? templates : data).AddRange(packet[pos..(pos + length)]);
            pos += length;
        }
        byte[] t = templates.ToArray(), d = data.ToArray();
        t[2] = (byte)(t.Length >> 8); t[3] = (byte)t.Length;
        d[2] = (byte)(d.Length >> 8); d[3] = (byte)d.Length;
        return (t, d);
    }

    private static void Compare(JsonElement t, FlowRecord r, string where, long trafficFirst, long trafficLast)
    {
        string? S(string key) => t.TryGetProperty(key, out var v) ? v.GetString() : null;
        ulong N(string key) => S(key) is { } s ? (s.StartsWith("0x") ? ulong.Parse(s[2..], NumberStyles.HexNumber) : ulong.Parse(s, CultureInfo.InvariantCulture)) : 0;

        Assert.True((S("cflow.srcaddr") ?? S("cflow.srcaddrv6")) == r.SourceAddress.ToString(), $"{where}: source {r.SourceAddress}");
        Assert.True((S("cflow.dstaddr") ?? S("cflow.dstaddrv6")) == r.DestinationAddress.ToString(), $"{where}: destination {r.DestinationAddress}");
        Assert.True(N("cflow.protocol") == r.Protocol, $"{where}: protocol");
        Assert.True(N("cflow.octets") == r.RawBytes, $"{where}: octets {r.RawBytes}");
        Assert.True(N("cflow.packets") == r.RawPackets, $"{where}: packets {r.RawPackets}");
        Assert.Equal(r.RawBytes, r.Bytes); // softflowd samples nothing here
        if (S("cflow.srcport") != null) Assert.True(N("cflow.srcport") == r.SourcePort, $"{where}: srcport");
        if (S("cflow.dstport") != null) Assert.True(N("cflow.dstport") == r.DestinationPort, $"{where}: dstport");
        if (S("cflow.tcpflags") != null) Assert.True(N("cflow.tcpflags") == r.TcpFlags, $"{where}: tcp flags");
        if (S("cflow.tos") != null) Assert.True(N("cflow.tos") == r.Tos, $"{where}: tos");
        if (S("cflow.inputint") != null) Assert.True(N("cflow.inputint") == r.InputInterface, $"{where}: input");
        if (S("cflow.outputint") != null) Assert.True(N("cflow.outputint") == r.OutputInterface, $"{where}: output");
        if (S("cflow.direction") != null) Assert.True(N("cflow.direction") == r.FlowDirection, $"{where}: direction");
        if (S("cflow.flow_end_reason") != null) Assert.True(N("cflow.flow_end_reason") == r.FlowEndReason, $"{where}: end reason");
        if (S("cflow.nexthop") != null) Assert.True(S("cflow.nexthop") == r.NextHop.ToString(), $"{where}: next hop");
        if (S("cflow.srcas") != null) Assert.True(N("cflow.srcas") == r.SourceAs && N("cflow.dstas") == r.DestinationAs, $"{where}: AS");
        if (S("cflow.srcmask") != null) Assert.True(N("cflow.srcmask") == r.SourceMask && N("cflow.dstmask") == r.DestinationMask, $"{where}: masks");
        if (S("cflow.icmp_type_code_ipv4") != null) Assert.True(N("cflow.icmp_type_code_ipv4") == r.IcmpTypeCode, $"{where}: icmp {r.IcmpTypeCode:x4}");
        if (S("cflow.icmp_ipv6_type") != null) Assert.True((N("cflow.icmp_ipv6_type") << 8 | N("cflow.icmp_ipv6_code")) == r.IcmpTypeCode, $"{where}: icmpv6 {r.IcmpTypeCode:x4}");

        // tshark shows v9/IPFIX uptimes as relative seconds: the duration must agree, and the
        // absolute times must fall inside the captured traffic that softflowd replayed.
        long durationMs = (long)Math.Round(decimal.Parse(S("cflow.timedelta")!, CultureInfo.InvariantCulture) * 1000);
        Assert.True(durationMs == (r.EndNs - r.StartNs) / 1_000_000, $"{where}: duration {(r.EndNs - r.StartNs) / 1_000_000} ms, tshark {durationMs} ms");
        const long Slack = 1_500_000_000; // v9 export time has whole seconds only
        Assert.True(r.StartNs >= trafficFirst - Slack && r.StartNs <= trafficLast + Slack, $"{where}: start {DateTimeOffset.FromUnixTimeMilliseconds(r.StartNs / 1_000_000):O} outside the traffic");
        Assert.True(r.EndNs >= trafficFirst - Slack && r.EndNs <= trafficLast + Slack, $"{where}: end {DateTimeOffset.FromUnixTimeMilliseconds(r.EndNs / 1_000_000):O} outside the traffic");
    }

    /// <summary>Per frame, tshark's flow records in wire order (options data records left out).</summary>
    private static List<List<JsonElement>> TsharkFlows(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var frames = new List<List<JsonElement>>();
        foreach (var frame in doc.RootElement.EnumerateArray())
        {
            var flows = new List<JsonElement>();
            var cflow = frame.GetProperty("_source").GetProperty("layers").GetProperty("cflow");
            foreach (var set in cflow.EnumerateObject())
            {
                if (set.Name.StartsWith("pdu ")) flows.Add(set.Value.Clone());
                else if (set.Name.EndsWith("flows)"))
                    foreach (var f in set.Value.EnumerateObject())
                        if (f.Name.StartsWith("Flow ") && (f.Value.TryGetProperty("cflow.srcaddr", out _) || f.Value.TryGetProperty("cflow.srcaddrv6", out _)))
                            flows.Add(f.Value.Clone());
            }
            frames.Add(flows);
        }
        return frames;
    }
}

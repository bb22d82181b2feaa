using System.Diagnostics.CodeAnalysis;
using FlowRelay.LoadGen;
using FlowRelay.Protocols;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.LoadGen;

/// <summary>The load generator's export decodes, record for record, with the relay's own decoder.</summary>
public class LoadGenPacketTests
{
    private struct Collect : IFlowRecordSink
    {
        public List<FlowRecord> Records;
        private FlowRecord _next;

        [UnscopedRef]
        public ref FlowRecord Next()
        {
            _next = default;
            return ref _next;
        }
        public void OnRecord(ref FlowRecord record) => Records.Add(record);
    }

    [Theory]
    [InlineData(ExportFormat.Ipfix)]
    [InlineData(ExportFormat.V9)]
    public void Every_record_sent_decodes_with_plausible_times_and_internal_hosts(ExportFormat format)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stream = new ExporterStream(format, index: 3, recordsPerPacket: 27, templateRefresh: 5, hosts: 1000, ipv6Share: 0.2, seed: 1, bootMs: now - 86_400_000);
        var decoder = new FlowDecoder(new FlowDecoderOptions());
        var sink = new Collect { Records = new() };
        var exporter = IpAddr.FromV4(0x7F000104);
        long sent = 0;
        int templatePackets = 0;
        for (int i = 0; i < 60; i++)
        {
            var packet = stream.Next(now + i);
            sent += stream.LastRecords;
            if (stream.LastRecords == 0) templatePackets++;
            Assert.True(packet.Length <= ExporterStream.MaxPayload, $"packet {i} is {packet.Length} bytes, more than fits a 1500-byte MTU");
            var result = decoder.Decode(packet, exporter, now * 1_000_000, ref sink);
            Assert.True(result.IsOk, $"packet {i}: {result.Status}");
        }
        Assert.Equal(10, templatePackets); // first, then after every 5 data packets: 60 / 6
        Assert.Equal(sent, sink.Records.Count);
        Assert.Equal(0, decoder.Counters.Total.SetsMissingTemplate);
        Assert.All(sink.Records, r =>
        {
            // Flow ends within the last few seconds of the send time and starts no later than it ends.
            Assert.InRange(r.EndNs / 1_000_000, now - 10_000, now + 1_000);
            Assert.True(r.StartNs <= r.EndNs);
            Assert.Equal(3u + 1, r.SourceId);
        });
        var v4 = sink.Records.Where(r => r.SourceAddress.IsV4).ToList();
        Assert.NotEmpty(v4);
        Assert.Contains(sink.Records, r => !r.SourceAddress.IsV4);
        // Every IPv4 record has one side in 10/8 (the simulated internal hosts).
        Assert.All(v4, r => Assert.True(r.SourceAddress.V4 >> 24 == 10 || r.DestinationAddress.V4 >> 24 == 10));
    }

    [Fact]
    public void Internal_hosts_cover_the_requested_count()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var stream = new ExporterStream(ExportFormat.Ipfix, 0, 27, 1_000_000, hosts: 500, ipv6Share: 0, seed: 7, bootMs: now - 1000);
        var decoder = new FlowDecoder(new FlowDecoderOptions());
        var sink = new Collect { Records = new() };
        for (int i = 0; i < 40; i++) decoder.Decode(stream.Next(now), IpAddr.FromV4(0x7F000101), now * 1_000_000, ref sink);
        // The simulated hosts are 10/8 outside 10.255/16, where the network's resolvers are.
        static bool IsHost(IpAddr a) => a.V4 >> 24 == 10 && a.V4 >> 16 != 0x0AFF;
        var hosts = sink.Records.Select(r => IsHost(r.SourceAddress) ? r.SourceAddress.V4 : r.DestinationAddress.V4).ToHashSet();
        Assert.Equal(500, hosts.Count);
        Assert.All(hosts, h => Assert.True(h >> 24 == 10 && h >> 16 != 0x0AFF, $"{h:x8}"));
    }

    [Theory]
    [InlineData(0.02)]
    [InlineData(0.5)]
    public void Dns_flows_go_to_the_networks_resolvers_but_for_the_direct_share(double directShare)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var decoder = new FlowDecoder(new FlowDecoderOptions());
        var sink = new Collect { Records = new() };
        for (int e = 0; e < 20; e++)
        {
            var stream = new ExporterStream(ExportFormat.Ipfix, e, 27, 1_000_000, hosts: 1000, ipv6Share: 0.1, seed: 3, bootMs: now - 1000, directDnsShare: directShare);
            for (int i = 0; i < 33; i++) decoder.Decode(stream.Next(now), IpAddr.FromV4(0x7F000101 + (uint)e), now * 1_000_000, ref sink);
        }
        var resolvers = new HashSet<IpAddr> { IpAddr.FromV4(0x0AFF0035), IpAddr.FromV4(0x0AFF0135), IpAddr.From(System.Net.IPAddress.Parse("fd00::53")) };
        var dns = sink.Records.Where(r => r.Protocol == 17 && (r.DestinationPort == 53 || r.SourcePort == 53)).ToList();
        Assert.True(dns.Count > 500, $"{dns.Count} DNS flows");
        double direct = dns.Count(r => !resolvers.Contains(r.DestinationPort == 53 ? r.DestinationAddress : r.SourceAddress)) / (double)dns.Count;
        // 20 exporters x 32 pre-built packets: the share is drawn per record, so it lands near the asked share.
        Assert.InRange(direct, directShare * 0.5, directShare * 1.5 + 0.01);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("500ms", 0.5)]
    [InlineData("2m", 120)]
    [InlineData("7", 7)]
    public void Durations_parse(string text, double seconds) => Assert.Equal(seconds, LoadGenOptions.ParseDuration(text).TotalSeconds);

    [Fact]
    public void Options_parse_and_refuse_unknown()
    {
        var o = LoadGenOptions.Parse(["--target", "127.0.0.1:4739", "--format", "v9", "--exporters", "3", "--rate", "5000", "--dns", "100"]);
        Assert.Equal(4739, o.Target.Port);
        Assert.Equal(ExportFormat.V9, o.Format);
        Assert.Equal(3, o.Exporters);
        Assert.Equal(100, o.DnsRate);
        Assert.Throws<ArgumentException>(() => LoadGenOptions.Parse(["--nope"]));
    }

    [Fact]
    public void Dns_lines_are_bind_query_log_lines_in_syslog()
    {
        using var dns = new DnsLogSender(new LoadGenOptions());
        string line = dns.NextLine(new DateTime(2026, 11, 28, 4, 36, 4, DateTimeKind.Utc));
        Assert.Matches(@"^<30>Nov 28 04:36:04 ns1 named\[4242\]: client @0x7f00aa[0-9a-f]{3} 10\.\d+\.\d+\.\d+#\d+ \(([a-z0-9.-]+)\): query: \1 IN (A|AAAA|TXT) \+E\(0\)K \(10\.0\.0\.53\)$", line);
    }

    [Fact]
    public void Dnsmasq_pairs_parse_as_answered_queries_for_the_addresses_the_flows_use()
    {
        var options = LoadGenOptions.Parse(["--exporters", "5", "--hosts", "1000", "--dns", "100", "--dns-format", "dnsmasq"]);
        using var dns = new DnsLogSender(options);

        // The internet addresses of the same five exporters' flows, decoded with the relay's decoder.
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var decoder = new FlowDecoder(new FlowDecoderOptions());
        var sink = new Collect { Records = new() };
        for (int e = 0; e < 5; e++)
        {
            var stream = new ExporterStream(options.Format, e, options.RecordsPerPacket, options.TemplateRefresh, options.Hosts, options.Ipv6Share, options.Seed, now - 1000, options.DirectDnsShare);
            for (int i = 0; i < 40; i++) decoder.Decode(stream.Next(now), IpAddr.FromV4(0x7F000101 + (uint)e), now * 1_000_000, ref sink);
        }
        var internet = sink.Records.SelectMany(r => new[] { r.SourceAddress, r.DestinationAddress })
            .Where(a => a.Family == 4 && a.V4 >> 24 != 10).Select(a => a.ToString()).ToHashSet();
        Assert.Equal(internet.Count, dns.AnswerAddresses);

        // The pairs through the relay's dnsmasq reader (the syslog header cut as the syslog input does).
        var reader = new DnsLogReader(DnsLogFormat.Dnsmasq, new DnsmasqQueryJoiner());
        var records = new List<DnsQueryRecord>();
        var at = new DateTime(2026, 11, 28, 4, 36, 4, DateTimeKind.Utc);
        for (int i = 0; i < 200; i++)
        {
            var (query, reply) = dns.NextPair(at);
            Assert.Matches(@"^<30>Nov 28 04:36:04 gw dnsmasq\[812\]: \d+ 10\.\d+\.\d+\.\d+/\d+ query\[A\] a\d+\.cdn\d+\.example\.net from 10\.\d+\.\d+\.\d+$", query);
            foreach (var line in new[] { query, reply })
                Assert.Equal(DnsLogParseStatus.Ok, reader.Read(System.Text.Encoding.ASCII.GetBytes(line[(line.IndexOf(" gw ") + 4)..]), now * 1_000_000, records));
        }
        reader.Flush(records);
        Assert.Equal(200, records.Count);
        Assert.All(records, r =>
        {
            Assert.True(r.ClientIp.V4 >> 24 == 10, r.ClientIp.ToString());
            Assert.Contains(Assert.Single(r.Answers!), internet);
        });
    }
}

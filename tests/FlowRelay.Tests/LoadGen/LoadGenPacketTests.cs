using FlowRelay.LoadGen;
using FlowRelay.Protocols;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.LoadGen;

/// <summary>The load generator's export decodes, record for record, with the relay's own decoder.</summary>
public class LoadGenPacketTests
{
    private struct Collect : IFlowRecordSink
    {
        public List<FlowRecord> Records;
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
        var hosts = sink.Records.Select(r => r.SourceAddress.V4 >> 24 == 10 ? r.SourceAddress.V4 : r.DestinationAddress.V4).ToHashSet();
        Assert.Equal(500, hosts.Count);
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
}

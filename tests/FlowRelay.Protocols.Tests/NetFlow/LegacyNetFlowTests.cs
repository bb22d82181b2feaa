using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.NetFlow;

public class LegacyNetFlowTests
{
    private const long ExportNs = ExportSecs * 1_000_000_000L;

    [Fact]
    public void V5_decodes_every_field_and_sysuptime_times()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var p = V5(100_000, ExportSecs, 500_000_000, 0,
            V5Record("192.0.2.1", "198.51.100.2", 40000, 443, 6, 10, 1500, 40_000, 90_000),
            V5Record("192.0.2.3", "198.51.100.4", 53, 5353, 17, 1, 80, 99_000, 99_500));
        var (res, recs) = d.DecodeAll(p);
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
        var r = recs[0];
        Assert.Equal(5, r.Version);
        Assert.Equal("192.0.2.1", r.SourceAddress.ToString());
        Assert.Equal("198.51.100.2", r.DestinationAddress.ToString());
        Assert.Equal("10.0.0.254", r.NextHop.ToString());
        Assert.Equal((ushort)40000, r.SourcePort);
        Assert.Equal((ushort)443, r.DestinationPort);
        Assert.Equal(6, r.Protocol);
        Assert.Equal(0x1b, r.TcpFlags);
        Assert.Equal(0x10, r.Tos);
        Assert.Equal(3u, r.InputInterface);
        Assert.Equal(4u, r.OutputInterface);
        Assert.Equal(64512u, r.SourceAs);
        Assert.Equal(15169u, r.DestinationAs);
        Assert.Equal(24, r.SourceMask);
        Assert.Equal(16, r.DestinationMask);
        Assert.Equal(1500ul, r.Bytes);
        Assert.Equal(10ul, r.Packets);
        Assert.Equal(1u, r.SamplingRate);
        Assert.Equal(SamplingSource.None, r.SamplingSource);
        Assert.Equal(42u, r.Sequence);
        Assert.Equal((1u << 8) | 2u, r.SourceId);
        long export = ExportNs + 500_000_000;
        Assert.Equal(export, r.ExportNs);
        Assert.Equal(export - 60_000_000_000L, r.StartNs);
        Assert.Equal(export - 10_000_000_000L, r.EndNs);
        Assert.Equal(DecoderExtensions.Now, r.ReceivedNs);
        Assert.Equal(2, d.Counters.Total.Records);
        Assert.Equal(1, d.Counters.Total.Packets);
    }

    [Fact]
    public void V5_header_sampling_scales_counters_and_keeps_raw()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // Top 2 bits mode (01 = deterministic), low 14 bits interval 100.
        var p = V5(100_000, ExportSecs, 0, 0x4000 | 100, V5Record("192.0.2.1", "198.51.100.2", 1, 2, 6, 10, 1500, 1, 2));
        var r = d.DecodeAll(p).Records.Single();
        Assert.Equal(100u, r.SamplingRate);
        Assert.Equal(SamplingSource.Header, r.SamplingSource);
        Assert.Equal(150_000ul, r.Bytes);
        Assert.Equal(1500ul, r.RawBytes);
        Assert.Equal(1000ul, r.Packets);
        Assert.Equal(10ul, r.RawPackets);
    }

    [Fact]
    public void V5_without_header_sampling_uses_the_configured_rate()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { ConfiguredSamplingRate = _ => 10 });
        var r = d.DecodeAll(V5(1, ExportSecs, 0, 0, V5Record("192.0.2.1", "198.51.100.2", 1, 2, 6, 10, 1500, 1, 1))).Records.Single();
        Assert.Equal(10u, r.SamplingRate);
        Assert.Equal(SamplingSource.Configured, r.SamplingSource);
        Assert.Equal(15_000ul, r.Bytes);
    }

    [Fact]
    public void V5_sysuptime_wrap_between_first_and_export()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // Uptime wrapped to 5 s; the flow started 10 s before the export (before the wrap).
        uint first = unchecked((uint)(5_000 - 10_000));
        var r = d.DecodeAll(V5(5_000, ExportSecs, 0, 0, V5Record("192.0.2.1", "198.51.100.2", 1, 2, 6, 1, 60, first, 4_000))).Records.Single();
        Assert.Equal(ExportNs - 10_000_000_000L, r.StartNs);
        Assert.Equal(ExportNs - 1_000_000_000L, r.EndNs);
    }

    [Fact]
    public void V5_count_above_30_is_a_bad_header()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var p = V5(1, ExportSecs, 0, 0, V5Record("192.0.2.1", "198.51.100.2", 1, 2, 6, 1, 60, 1, 1));
        p[3] = 31;
        var (res, recs) = d.DecodeAll(p);
        Assert.Equal(DecodeStatus.BadHeader, res.Status);
        Assert.Empty(recs);
        Assert.Equal(1, d.Counters.Total.Errors[(int)DecodeStatus.BadHeader]);
    }

    [Fact]
    public void V1_decodes()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var (res, recs) = d.DecodeAll(V1(50_000, ExportSecs, 0, V1Record("192.0.2.1", "198.51.100.2", 1234, 80, 6, 3, 180, 20_000, 49_000)));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        var r = recs.Single();
        Assert.Equal(1, r.Version);
        Assert.Equal(6, r.Protocol);
        Assert.Equal(0x10, r.Tos);
        Assert.Equal(0x12, r.TcpFlags);
        Assert.Equal(180ul, r.Bytes);
        Assert.Equal((ushort)80, r.DestinationPort);
        Assert.Equal(ExportNs - 30_000_000_000L, r.StartNs);
        Assert.Equal(ExportNs - 1_000_000_000L, r.EndNs);
    }

    [Fact]
    public void V7_decodes_52_byte_records()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var rec = V5Record("192.0.2.1", "198.51.100.2", 1234, 80, 6, 3, 180, 20_000, 49_000).U32(0xC0000201);
        var (res, recs) = d.DecodeAll(V7(50_000, ExportSecs, rec, V5Record("192.0.2.9", "198.51.100.9", 1, 2, 17, 1, 1, 1, 1).U32(0)));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
        Assert.Equal(7, recs[0].Version);
        Assert.Equal(180ul, recs[0].Bytes);
        Assert.Equal(9u, recs[0].Sequence);
        Assert.Equal("192.0.2.9", recs[1].SourceAddress.ToString());
        Assert.Equal(17, recs[1].Protocol);
    }
}

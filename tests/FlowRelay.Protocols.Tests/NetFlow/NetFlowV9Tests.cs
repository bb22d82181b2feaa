using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.NetFlow;

public class NetFlowV9Tests
{
    private const long ExportNs = ExportSecs * 1_000_000_000L;

    [Fact]
    public void Template_and_data_with_sysuptime_times()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var (res, recs) = d.DecodeAll(Samples.V9Packet(2));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
        var r = recs[1];
        Assert.Equal(9, r.Version);
        Assert.Equal(5u, r.SourceId);
        Assert.Equal((ushort)300, r.TemplateId);
        Assert.Equal("10.0.0.1", r.SourceAddress.ToString());
        Assert.Equal("10.1.0.1", r.DestinationAddress.ToString());
        Assert.Equal("10.0.0.254", r.NextHop.ToString());
        Assert.Equal((ushort)1001, r.SourcePort);
        Assert.Equal(17, r.Protocol);
        Assert.Equal(101ul, r.Bytes);
        Assert.Equal(1ul, r.Packets);
        Assert.Equal(7u, r.Sequence);
        // sysUptime 100 s at export; First 90 s, Last 95 s.
        Assert.Equal(ExportNs - 10_000_000_000L, r.StartNs);
        Assert.Equal(ExportNs - 5_000_000_000L, r.EndNs);
    }

    [Fact]
    public void Sysuptime_wrap()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(0, Template(301, F(22, 4), F(21, 4)));
        uint first = unchecked((uint)(2_000 - 30_000));
        var r = d.DecodeAll(V9(1, 2_000, t, Set(301, new Bytes().U32(first).U32(1_000)))).Records.Single();
        Assert.Equal(ExportNs - 30_000_000_000L, r.StartNs);
        Assert.Equal(ExportNs - 1_000_000_000L, r.EndNs);
    }

    [Fact]
    public void Sampler_table_from_options_data_scales_records_naming_the_sampler()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // Scope: System (type 1, 4 bytes) — must not be read as octets. Options: sampler id, mode, random interval.
        var ot = Set(1, V9OptionsTemplate(260, [(1, 4)], [(48, 1), (49, 1), (50, 4)]));
        var od = Set(260, new Bytes().U32(0xFFFFFFFF).U8(3).U8(2).U32(512), padding: 2);
        var t = Set(0, Template(302, F(48, 1), F(1, 4), F(2, 4)));
        var (res, recs) = d.DecodeAll(V9(1, 1_000, ot, od, t, Set(302, new Bytes().U8(3).U32(100).U32(2).U8(4).U32(100).U32(2))));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
        Assert.Equal(512u, recs[0].SamplingRate);
        Assert.Equal(SamplingSource.OptionsData, recs[0].SamplingSource);
        Assert.Equal(51_200ul, recs[0].Bytes);
        Assert.Equal(1024ul, recs[0].Packets);
        Assert.Equal(100ul, recs[0].RawBytes);
        Assert.Equal(1u, recs[1].SamplingRate); // sampler 4 unknown, nothing configured
    }

    [Fact]
    public void Exporter_wide_sampling_interval_without_sampler_id()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var ot = Set(1, V9OptionsTemplate(261, [(1, 4)], [(34, 4), (35, 1)]));
        var od = Set(261, new Bytes().U32(0).U32(1000).U8(1));
        var t = Set(0, Template(303, F(1, 4)));
        d.DecodeAll(V9(1, 1_000, ot, od));
        var r = d.DecodeAll(V9(1, 1_000, t, Set(303, new Bytes().U32(3)))).Records.Single();
        Assert.Equal(1000u, r.SamplingRate);
        Assert.Equal(SamplingSource.OptionsData, r.SamplingSource);
        Assert.Equal(3000ul, r.Bytes);
        // A different source id is a different domain: not sampled.
        r = d.DecodeAll(V9(2, 1_000, t, Set(303, new Bytes().U32(3)))).Records.Single();
        Assert.Equal(1u, r.SamplingRate);
    }

    [Fact]
    public void Templates_are_per_source_id_and_per_exporter()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.V9Packet(1));
        var (res, recs) = d.DecodeAll(Samples.V9Packet(1, withTemplate: false), IpAddr.FromV4(0x0A000099));
        Assert.Empty(recs);
        Assert.Equal(1, res.SetsWaiting);
        Assert.Equal(1, d.Counters.Total.SetsMissingTemplate);
    }

    [Fact]
    public void Template_flowset_padding_and_reserved_flowset_ids_are_skipped()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var p = V9(5, 100_000, Set(0, Samples.V9Template(), padding: 4), Set(128, new Bytes().U32(1)), Set(300, Samples.V9Record(0), padding: 3));
        var (res, recs) = d.DecodeAll(p);
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Single(recs);
    }

    [Fact]
    public void Template_running_past_its_flowset_is_a_bad_template()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var bad = new Bytes().U16(310).U16(50).U16(8).U16(4);
        var (res, _) = d.DecodeAll(V9(5, 100_000, Set(0, bad)));
        Assert.Equal(DecodeStatus.BadTemplate, res.Status);
        Assert.Equal(0, d.Templates.Count);
        Assert.Equal(1, d.Counters.Total.Errors[(int)DecodeStatus.BadTemplate]);
    }
}

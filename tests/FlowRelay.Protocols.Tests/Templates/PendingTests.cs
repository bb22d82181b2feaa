using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.Templates;

public class PendingTests
{
    [Fact]
    public void Data_before_template_decodes_when_the_template_arrives_with_its_own_header_times()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // Data arrives first, in a v9 packet with sysUptime 100 s and its own export time.
        var early = V9(5, 100_000, 1_700_000_000, Set(300, new Bytes().Raw(Samples.V9Record(0)).Raw(Samples.V9Record(1))));
        var (r1, recs1) = d.DecodeAll(early, now: 111);
        Assert.Empty(recs1);
        Assert.Equal(1, r1.SetsWaiting);
        Assert.Equal(1, d.Counters.SetsWaiting);
        Assert.True(d.Counters.BytesWaiting > 0);

        // The template comes later in a packet with a different uptime and export time.
        var (r2, recs2) = d.DecodeAll(V9(5, 500_000, 1_700_000_400, Set(0, Samples.V9Template())), now: 222);
        Assert.Equal(2, r2.Records);
        Assert.Equal(2, recs2.Count);
        var r = recs2[0];
        Assert.Equal(1_700_000_000L * 1_000_000_000, r.ExportNs);
        Assert.Equal(111, r.ReceivedNs);
        Assert.Equal(1_700_000_000L * 1_000_000_000 - 10_000_000_000L, r.StartNs);
        Assert.Equal(2, d.Counters.Total.RecordsDecodedLate);
        Assert.Equal(1, d.Counters.Total.SetsMissingTemplate);
        Assert.Equal(0, d.Counters.SetsWaiting);
        Assert.Equal(0, d.Counters.BytesWaiting);
        var exporter = d.Counters.SnapshotExporters().Single().Value;
        Assert.Equal(2, exporter.RecordsDecodedLate);
        Assert.Equal(2, exporter.Records);
    }

    [Fact]
    public void Ipfix_data_before_template_in_a_later_message()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.IpfixPacket(3, withTemplate: false));
        var (res, recs) = d.DecodeAll(IpfixMessage(1, Set(2, Samples.IpfixTemplate())));
        Assert.Equal(3, recs.Count);
        Assert.Equal(3, res.Records);
        Assert.Equal(3, d.Counters.Total.RecordsDecodedLate);
    }

    [Fact]
    public void Waiting_data_is_bounded_in_bytes_and_oldest_dropped_counted()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { PendingMaxBytes = 4096 });
        for (int i = 0; i < 100; i++) d.DecodeAll(Samples.IpfixPacket(5, withTemplate: false, domain: (uint)i));
        Assert.True(d.Counters.BytesWaiting <= 4096);
        Assert.True(d.Counters.Total.SetsDroppedNoTemplate >= 85);
        Assert.Equal(100, d.Counters.Total.SetsMissingTemplate);
        Assert.Equal(100 - d.Counters.Total.SetsDroppedNoTemplate, d.Counters.SetsWaiting);
    }

    [Fact]
    public void Waiting_data_expires_after_its_max_age()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { PendingMaxAge = TimeSpan.FromSeconds(10) });
        d.DecodeAll(Samples.IpfixPacket(1, withTemplate: false), now: 1_000_000_000);
        d.Expire(5_000_000_000);
        Assert.Equal(1, d.Counters.SetsWaiting);
        d.Expire(12_000_000_000);
        Assert.Equal(0, d.Counters.SetsWaiting);
        Assert.Equal(1, d.Counters.Total.SetsDroppedNoTemplate);
        var (_, recs) = d.DecodeAll(IpfixMessage(1, Set(2, Samples.IpfixTemplate())), now: 13_000_000_000);
        Assert.Empty(recs);
    }
}

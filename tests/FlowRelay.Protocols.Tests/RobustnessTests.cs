using CsCheck;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests;

public class RobustnessTests
{
    // FLOWRELAY_FUZZ_ITER raises the number of random cases for a longer local run.
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("FLOWRELAY_FUZZ_ITER"), out var n) ? n : 20_000;

    private static byte[][] Corpus() =>
    [
        Samples.V5Packet(30),
        Samples.V9Packet(20),
        Samples.IpfixPacket(28),
        IpfixMessage(1, Set(2, Template(500, F(8, 4), F(82, 0xFFFF), F(1, 4, 29305), F(99, 0xFFFF, 12345), F(27, 16))),
            Set(3, IpfixOptionsTemplate(601, 1, (302, 4), (305, 4), (306, 4))), Set(601, new Bytes().U32(9).U32(1).U32(99)),
            Set(500, new Bytes().Ip("192.0.2.1").U8(3).Raw(1, 2, 3).U32(5).U8(255).U16(2).Raw(0, 0).Ip("2001:db8::1"))),
        V9(1, 1_000, Set(1, V9OptionsTemplate(260, [(1, 4)], [(48, 1), (50, 4)])), Set(260, new Bytes().U32(0).U8(3).U32(100)),
            Set(0, Template(302, F(48, 1), F(1, 4))), Set(302, new Bytes().U8(3).U32(7))),
        V1(50_000, ExportSecs, 0, V1Record("192.0.2.1", "198.51.100.2", 1234, 80, 6, 3, 180, 20_000, 49_000)),
        V7(50_000, ExportSecs, V5Record("192.0.2.1", "198.51.100.2", 1234, 80, 6, 3, 180, 20_000, 49_000).U32(0)),
    ];

    [Fact]
    public void Every_truncation_of_v5_v9_ipfix_never_throws_and_is_counted()
    {
        var v9 = Samples.V9Packet(3);
        int v9TemplateEnd = 20 + 4 + Samples.V9Template().Length;
        foreach (var (packet, boundaries) in new[]
                 {
                     (Samples.V5Packet(5), Array.Empty<int>()),
                     (v9, new[] { 20, v9TemplateEnd }),
                     (Samples.IpfixPacket(4), Array.Empty<int>()),
                 })
        {
            for (int len = 0; len < packet.Length; len++)
            {
                var d = new FlowDecoder(new FlowDecoderOptions());
                var sink = new CountingSink();
                var res = d.Decode(packet.AsSpan(0, len), DecoderExtensions.Exporter, 1, ref sink);
                long errors = d.Counters.Total.Errors.Sum();
                if (boundaries.Contains(len))
                {
                    Assert.Equal(DecodeStatus.Ok, res.Status);
                    continue;
                }
                Assert.True(res.Status != DecodeStatus.Ok, $"version {packet[1]} length {len} of {packet.Length}: Ok");
                Assert.True(errors >= 1, $"length {len}: error not counted");
                Assert.Equal(1, d.Counters.SnapshotExporters().Single().Value.Errors[(int)res.Status] > 0 ? 1 : 0);
            }
        }
    }

    [Fact]
    public void Truncated_data_with_known_templates_never_throws()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.IpfixPacket(1));
        d.DecodeAll(Samples.V9Packet(1));
        foreach (var packet in new[] { Samples.IpfixPacket(5, withTemplate: false), Samples.V9Packet(5, withTemplate: false) })
            for (int len = 0; len < packet.Length; len++)
            {
                var sink = new CountingSink();
                d.Decode(packet.AsSpan(0, len), DecoderExtensions.Exporter, 1, ref sink);
                Assert.True(sink.Count <= 5);
            }
    }

    [Fact]
    public void Random_mutations_never_throw()
    {
        var corpus = Corpus();
        var shared = new FlowDecoder(new FlowDecoderOptions { MaxTemplates = 64, MaxExporters = 8, PendingMaxBytes = 16 * 1024 });
        Gen.Select(Gen.Int[0, corpus.Length - 1], Gen.Int[0, 1600], Gen.Select(Gen.Int[0, 1600], Gen.Byte).Array[1, 12], Gen.Byte)
            .Sample(t =>
            {
                var (which, cut, mutations, exporterByte) = t;
                var packet = (byte[])corpus[which].Clone();
                foreach (var (pos, value) in mutations)
                    if (pos < packet.Length) packet[pos] = value;
                var span = packet.AsSpan(0, Math.Min(cut + 1, packet.Length));
                var sink = new CountingSink();
                shared.Decode(span, IpAddr.FromV4(exporterByte), 1, ref sink);
                var fresh = new FlowDecoder(new FlowDecoderOptions());
                fresh.Decode(span, IpAddr.FromV4(exporterByte), 1, ref sink);
            }, iter: Iterations, threads: 1);
        Assert.True(shared.Templates.Count <= 64);
        Assert.True(shared.Counters.ExporterCount <= 8);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        Gen.Select(Gen.Int[0, 4].Select(i => new ushort[] { 1, 5, 7, 9, 10 }[i]), Gen.Byte.Array[0, 400]).Sample(t =>
        {
            var (version, body) = t;
            var packet = new byte[body.Length + 2];
            packet[0] = (byte)(version >> 8);
            packet[1] = (byte)version;
            body.CopyTo(packet, 2);
            var sink = new CountingSink();
            d.Decode(packet, DecoderExtensions.Exporter, 1, ref sink);
        }, iter: Iterations, threads: 1);
    }

    [Fact]
    public void Withdrawal_floods_touch_only_the_domain_and_keep_the_index_consistent()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { MaxTemplates = 100 });
        for (uint i = 0; i < 300; i++)
            d.Decode(Samples.IpfixPacket(1, domain: i), DecoderExtensions.Exporter, i, ref Dummy);
        Assert.Equal(100, d.Templates.Count);
        Assert.Equal(100, d.Templates.IndexedDomainCount);
        var withdrawAll = new Bytes();
        for (int i = 0; i < 300; i++) withdrawAll.U16(2).U16(0);
        for (uint domain = 0; domain < 300; domain++) d.DecodeAll(IpfixMessage(domain, Set(2, withdrawAll)));
        Assert.Equal(0, d.Templates.Count);
        Assert.Equal(0, d.Templates.IndexedDomainCount);
        Assert.Equal(100, d.Counters.Total.TemplatesWithdrawn);
    }

    private static CountingSink Dummy;

    [Fact]
    public void A_template_flood_from_20000_spoofed_exporters_stays_bounded()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { MaxTemplates = 1000, MaxExporters = 500, PendingMaxBytes = 64 * 1024 });
        var packet = IpfixMessage(1, Set(2, Samples.IpfixTemplate(256)), Set(3, IpfixOptionsTemplate(600, 1, (143, 4), (160, 8))),
            Set(600, new Bytes().U32(1).U64(1_699_000_000_000)), Set(257, Samples.IpfixRecord(0)));
        for (uint i = 0; i < 20_000; i++)
        {
            var sink = new CountingSink();
            d.Decode(packet, IpAddr.FromV4(0x0B000000 + i), i, ref sink);
        }
        Assert.Equal(1000, d.Templates.Count);
        Assert.Equal(40_000 - 1000, d.Counters.TemplatesEvicted);
        Assert.Equal(500, d.Counters.ExporterCount);
        Assert.Equal(20_000 - 500, d.Counters.ExportersEvicted);
        Assert.True(d.Templates.OptionsStateCount <= 2000);
        Assert.True(d.Templates.IndexedDomainCount <= 1000);
        Assert.True(d.Counters.BytesWaiting <= 64 * 1024);
        Assert.Equal(20_000, d.Counters.Total.Packets);
        Assert.Equal(40_000, d.Counters.Total.TemplatesLearned);
        Assert.Equal(20_000, d.Counters.Total.SetsMissingTemplate);
        Assert.True(d.Counters.Total.SetsDroppedNoTemplate >= 20_000 - 64 * 1024 / 90);
    }
}

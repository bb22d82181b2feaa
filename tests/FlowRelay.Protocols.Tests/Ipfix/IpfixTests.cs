using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.Ipfix;

public class IpfixTests
{
    private const long ExportNs = ExportSecs * 1_000_000_000L;

    [Fact]
    public void Template_and_data_in_one_message()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var (res, recs) = d.DecodeAll(Samples.IpfixPacket(3));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(1, res.TemplatesLearned);
        Assert.Equal(3, recs.Count);
        var r = recs[1];
        Assert.Equal(10, r.Version);
        Assert.Equal(1u, r.SourceId);
        Assert.Equal((ushort)256, r.TemplateId);
        Assert.Equal("192.0.2.1", r.SourceAddress.ToString());
        Assert.Equal("198.51.100.1", r.DestinationAddress.ToString());
        Assert.Equal((ushort)40001, r.SourcePort);
        Assert.Equal((ushort)443, r.DestinationPort);
        Assert.Equal(6, r.Protocol);
        Assert.Equal(0x1b, r.TcpFlags);
        Assert.Equal(1001ul, r.Bytes);
        Assert.Equal(10ul, r.Packets);
        Assert.Equal(1u, r.InputInterface);
        Assert.Equal(2u, r.OutputInterface);
        Assert.Equal(0, r.FlowDirection);
        Assert.Equal(3, r.FlowEndReason);
        Assert.Equal((long)(Samples.StartMs + 1) * 1_000_000, r.StartNs);
        Assert.Equal((long)(Samples.StartMs + 5000) * 1_000_000, r.EndNs);
        Assert.Equal(ExportNs, r.ExportNs);
        Assert.True(r.Present.HasFlag(FlowFields.Start | FlowFields.End | FlowFields.Bytes | FlowFields.Ports));
        Assert.Equal(1, d.Templates.Count);
        Assert.Equal(1, d.Counters.Total.TemplatesLearned);
    }

    [Fact]
    public void Resending_an_unchanged_template_is_a_refresh_not_a_new_template()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.IpfixPacket(1));
        var (res, _) = d.DecodeAll(Samples.IpfixPacket(1));
        Assert.Equal(0, res.TemplatesLearned);
        Assert.Equal(1, d.Counters.Total.TemplatesLearned);
    }

    [Fact]
    public void Variable_length_fields_one_and_three_byte_forms()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // interfaceName (82) variable, applicationName(96) variable, then src/dst.
        var t = Set(2, Template(400, F(82, 0xFFFF), F(8, 4), F(96, 0xFFFF), F(12, 4), F(1, 4)));
        var rec1 = new Bytes().U8(3).Raw("eth"u8.ToArray()).Ip("192.0.2.1").U8(0).Ip("192.0.2.2").U32(100);
        var rec2 = new Bytes().U8(255).U16(300).Zeros(300).Ip("192.0.2.3").U8(1).U8(0x41).Ip("192.0.2.4").U32(200);
        var (res, recs) = d.DecodeAll(IpfixMessage(1, t, Set(400, new Bytes().Raw(rec1).Raw(rec2))));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
        Assert.Equal("192.0.2.2", recs[0].DestinationAddress.ToString());
        Assert.Equal(100ul, recs[0].Bytes);
        Assert.Equal("192.0.2.3", recs[1].SourceAddress.ToString());
        Assert.Equal(200ul, recs[1].Bytes);
    }

    [Fact]
    public void Variable_length_running_past_the_set_is_a_bad_record_and_the_rest_still_decodes()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(400, F(8, 4), F(82, 0xFFFF)));
        var bad = Set(400, new Bytes().Ip("192.0.2.1").U8(2).Raw(1, 2).Ip("192.0.2.2").U8(50).Raw(1));
        var good = Set(256, Samples.IpfixRecord(0));
        var (res, recs) = d.DecodeAll(IpfixMessage(1, t, Set(2, Samples.IpfixTemplate()), bad, good));
        Assert.Equal(DecodeStatus.BadRecord, res.Status);
        Assert.Equal(2, recs.Count); // one from the bad set before the overrun, one from the good set
        Assert.Equal(1, d.Counters.Total.Errors[(int)DecodeStatus.BadRecord]);
    }

    [Fact]
    public void Enterprise_elements_unknown_skipped_and_rfc5103_reverse_decoded()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(500, F(8, 4), F(12, 4), F(77, 6, 9), F(1, 4), F(2, 4), F(1, 4, 29305), F(2, 2, 29305), F(99, 0xFFFF, 12345), F(7, 2)));
        var rec = new Bytes().Ip("192.0.2.1").Ip("192.0.2.2").Zeros(6).U32(1000).U32(10).U32(5000).U16(20).U8(2).U16(0xAAAA).U16(8080);
        var r = d.DecodeAll(IpfixMessage(1, t, Set(500, rec))).Records.Single();
        Assert.Equal(1000ul, r.Bytes);
        Assert.Equal(10ul, r.Packets);
        Assert.Equal(5000ul, r.ReverseBytes);
        Assert.Equal(20ul, r.ReversePackets);
        Assert.Equal((ushort)8080, r.SourcePort);
        Assert.True(r.Present.HasFlag(FlowFields.ReverseCounters));
    }

    [Fact]
    public void Initiator_and_responder_octets_stand_in_for_missing_delta_counters()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(501, F(8, 4), F(231, 8), F(232, 8), F(298, 8), F(299, 8)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(501, new Bytes().Ip("192.0.2.1").U64(700).U64(9000).U64(7).U64(9)))).Records.Single();
        Assert.Equal(700ul, r.Bytes);
        Assert.Equal(9000ul, r.ReverseBytes);
        Assert.Equal(7ul, r.Packets);
        Assert.Equal(9ul, r.ReversePackets);
    }

    [Fact]
    public void Total_counters_85_86_are_a_fallback()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(502, F(85, 8), F(86, 8)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(502, new Bytes().U64(123).U64(4)))).Records.Single();
        Assert.Equal(123ul, r.Bytes);
        Assert.Equal(4ul, r.Packets);
    }

    [Fact]
    public void Reduced_size_encoding_reads_1_to_8_bytes()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(503, F(1, 3), F(2, 5), F(10, 1), F(16, 2), F(152, 7)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(503, new Bytes().UN(0xABCDEF, 3).UN(0x0102030405, 5).UN(7, 1).UN(65000, 2).UN(Samples.StartMs, 7)))).Records.Single();
        Assert.Equal(0xABCDEFul, r.Bytes);
        Assert.Equal(0x0102030405ul, r.Packets);
        Assert.Equal(7u, r.InputInterface);
        Assert.Equal(65000u, r.SourceAs);
        Assert.Equal((long)Samples.StartMs * 1_000_000, r.StartNs);
    }

    [Fact]
    public void Ipv6_addresses_next_hop_masks_and_icmp()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(504, F(27, 16), F(28, 16), F(62, 16), F(29, 1), F(30, 1), F(4, 1), F(178, 1), F(179, 1), F(243, 2)));
        var rec = new Bytes().Ip("2001:db8::1").Ip("2001:db8:0:1::2").Ip("fe80::1").U8(64).U8(48).U8(58).U8(128).U8(0).U16(42);
        var r = d.DecodeAll(IpfixMessage(1, t, Set(504, rec))).Records.Single();
        Assert.Equal("2001:db8::1", r.SourceAddress.ToString());
        Assert.Equal("2001:db8:0:1::2", r.DestinationAddress.ToString());
        Assert.Equal("fe80::1", r.NextHop.ToString());
        Assert.Equal(64, r.SourceMask);
        Assert.Equal(48, r.DestinationMask);
        Assert.Equal(58, r.Protocol);
        Assert.Equal((ushort)(128 << 8), r.IcmpTypeCode);
        Assert.Equal((ushort)42, r.VlanId);
    }

    [Fact]
    public void Padding_after_records_is_ignored()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var data = new Bytes().Raw(Samples.IpfixRecord(0)).Raw(Samples.IpfixRecord(1));
        var (res, recs) = d.DecodeAll(IpfixMessage(1, Set(2, Samples.IpfixTemplate(), padding: 3), Set(256, data, padding: 7)));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(2, recs.Count);
    }

    [Fact]
    public void Withdrawal_of_one_template_and_of_all()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(IpfixMessage(1, Set(2, new Bytes().Raw(Samples.IpfixTemplate(256)).Raw(Samples.IpfixTemplate(257)).Raw(Samples.IpfixTemplate(258))),
            Set(3, IpfixOptionsTemplate(600, 1, (149, 4), (160, 8)))));
        Assert.Equal(4, d.Templates.Count);
        d.DecodeAll(IpfixMessage(1, Set(2, new Bytes().U16(256).U16(0))));
        Assert.Equal(3, d.Templates.Count);
        Assert.Equal(1, d.Counters.Total.TemplatesWithdrawn);
        // Data for the withdrawn template now waits instead of decoding with a stale template.
        var (res, recs) = d.DecodeAll(IpfixMessage(1, Set(256, Samples.IpfixRecord(0))));
        Assert.Empty(recs);
        Assert.Equal(1, res.SetsWaiting);
        // Template id 2 with count 0: all data templates of the domain; the options template stays.
        d.DecodeAll(IpfixMessage(1, Set(2, new Bytes().U16(2).U16(0))));
        Assert.Equal(1, d.Templates.Count);
        d.DecodeAll(IpfixMessage(1, Set(3, new Bytes().U16(3).U16(0))));
        Assert.Equal(0, d.Templates.Count);
        Assert.Equal(4, d.Counters.Total.TemplatesWithdrawn);
    }

    [Fact]
    public void Absolute_time_elements_seconds_micro_nano_and_delta()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        // NTP: seconds since 1900; 0x80000000 fraction = 0.5 s.
        uint ntpSecs = (uint)(1_699_999_000 + 2_208_988_800L);
        var t = Set(2, Template(505, F(150, 4), F(151, 4)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(505, new Bytes().U32(1_699_999_000).U32(1_699_999_100)))).Records.Single();
        Assert.Equal(1_699_999_000L * 1_000_000_000, r.StartNs);
        Assert.Equal(1_699_999_100L * 1_000_000_000, r.EndNs);

        t = Set(2, Template(506, F(154, 8), F(157, 8)));
        r = d.DecodeAll(IpfixMessage(1, t, Set(506, new Bytes().U32(ntpSecs).U32(0x80000000).U32(ntpSecs + 1).U32(0)))).Records.Single();
        Assert.Equal(1_699_999_000L * 1_000_000_000 + 500_000_000, r.StartNs);
        Assert.Equal(1_699_999_001L * 1_000_000_000, r.EndNs);

        t = Set(2, Template(507, F(158, 4), F(159, 4)));
        r = d.DecodeAll(IpfixMessage(1, t, Set(507, new Bytes().U32(3_000_000).U32(1_000_000)))).Records.Single();
        Assert.Equal(ExportNs - 3_000_000_000L, r.StartNs);
        Assert.Equal(ExportNs - 1_000_000_000L, r.EndNs);
    }

    [Fact]
    public void Microsecond_times_ignore_the_low_11_fraction_bits_nanoseconds_keep_them()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        uint ntpSecs = (uint)(1_699_999_000 + 2_208_988_800L);
        var t = Set(2, Template(513, F(156, 8), F(155, 8)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(513, new Bytes().U32(ntpSecs).U32(0x40000000).U32(ntpSecs + 2).U32(0x000007FF)))).Records.Single();
        Assert.Equal(1_699_999_000L * 1_000_000_000 + 250_000_000, r.StartNs);
        Assert.Equal(1_699_999_002L * 1_000_000_000, r.EndNs);
    }

    [Fact]
    public void A_changed_template_replaces_the_old_one()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(IpfixMessage(1, Set(2, Template(514, F(1, 4)))));
        var (res, recs) = d.DecodeAll(IpfixMessage(1, Set(2, Template(514, F(2, 4), F(1, 4))), Set(514, new Bytes().U32(5).U32(600))));
        Assert.Equal(1, res.TemplatesLearned);
        Assert.Equal(600ul, recs.Single().Bytes);
        Assert.Equal(5ul, recs.Single().Packets);
        Assert.Equal(1, d.Templates.Count);
    }

    [Fact]
    public void Configured_rate_applies_when_the_export_says_nothing()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { ConfiguredSamplingRate = e => e == DecoderExtensions.Exporter ? 4u : 0u });
        var r = d.DecodeAll(Samples.IpfixPacket(1)).Records.Single();
        Assert.Equal(4u, r.SamplingRate);
        Assert.Equal(SamplingSource.Configured, r.SamplingSource);
        Assert.Equal(r.RawBytes * 4, r.Bytes);
        Assert.Equal(40ul, r.Packets);
        var other = d.DecodeAll(Samples.IpfixPacket(1), IpAddr.FromV4(0x0A0000FF)).Records.Single();
        Assert.Equal(1u, other.SamplingRate);
        Assert.Equal(SamplingSource.None, other.SamplingSource);
    }

    [Fact]
    public void Sysuptime_elements_use_system_init_time_from_options_data()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        const ulong init = 1_699_000_000_000;
        var opts = Set(3, IpfixOptionsTemplate(600, 1, (143, 4), (160, 8), (304, 2), (305, 4), (306, 4)));
        var optData = Set(600, new Bytes().U32(1).U64(init).U16(0).U32(1).U32(0));
        var t = Set(2, Template(508, F(8, 4), F(22, 4), F(21, 4), F(1, 4)));
        var (res, recs) = d.DecodeAll(IpfixMessage(1, opts, optData, t, Set(508, new Bytes().Ip("192.0.2.1").U32(1000).U32(4000).U32(99))));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        var r = recs.Single();
        Assert.Equal((long)(init + 1000) * 1_000_000, r.StartNs);
        Assert.Equal((long)(init + 4000) * 1_000_000, r.EndNs);
        // interval 1, space 0: the exporter says unsampled.
        Assert.Equal(1u, r.SamplingRate);
        Assert.Equal(SamplingSource.None, r.SamplingSource);
    }

    [Fact]
    public void Sysuptime_elements_without_system_init_end_at_export_time_and_keep_duration()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(509, F(22, 4), F(21, 4)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(509, new Bytes().U32(1000).U32(4000)))).Records.Single();
        Assert.Equal(ExportNs, r.EndNs);
        Assert.Equal(ExportNs - 3_000_000_000L, r.StartNs);
    }

    [Fact]
    public void No_end_time_means_end_is_export_time()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var r = d.DecodeAll(IpfixMessage(1, Set(2, Template(510, F(8, 4))), Set(510, new Bytes().Ip("192.0.2.1")))).Records.Single();
        Assert.Equal(ExportNs, r.EndNs);
        Assert.False(r.Present.HasFlag(FlowFields.End));
    }

    [Fact]
    public void Selector_options_give_the_rate_for_records_naming_the_selector()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { ConfiguredSamplingRate = _ => 7 });
        var opts = Set(3, IpfixOptionsTemplate(601, 1, (302, 4), (305, 4), (306, 4)));
        var optData = Set(601, new Bytes().U32(9).U32(1).U32(99));
        var t = Set(2, Template(511, F(302, 4), F(1, 4), F(2, 4)));
        var recs = d.DecodeAll(IpfixMessage(1, opts, optData, t, Set(511, new Bytes().U32(9).U32(10).U32(1).U32(8).U32(10).U32(1)))).Records;
        Assert.Equal(100u, recs[0].SamplingRate);
        Assert.Equal(SamplingSource.OptionsData, recs[0].SamplingSource);
        Assert.Equal(1000ul, recs[0].Bytes);
        Assert.Equal(10ul, recs[0].RawBytes);
        // Unknown selector 8: fall back to the configured rate.
        Assert.Equal(7u, recs[1].SamplingRate);
        Assert.Equal(SamplingSource.Configured, recs[1].SamplingSource);
    }

    [Fact]
    public void Sampling_interval_in_the_record_itself()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var t = Set(2, Template(512, F(34, 4), F(1, 4)));
        var r = d.DecodeAll(IpfixMessage(1, t, Set(512, new Bytes().U32(64).U32(10)))).Records.Single();
        Assert.Equal(64u, r.SamplingRate);
        Assert.Equal(SamplingSource.Record, r.SamplingSource);
        Assert.Equal(640ul, r.Bytes);
    }

    [Fact]
    public void Bad_set_length_stops_the_message_but_keeps_earlier_sets()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var p = IpfixMessage(1, Set(2, Samples.IpfixTemplate()), Set(256, Samples.IpfixRecord(0)), new Bytes().U16(256).U16(2));
        var (res, recs) = d.DecodeAll(p);
        Assert.Equal(DecodeStatus.BadSetLength, res.Status);
        Assert.Single(recs);
    }

    [Fact]
    public void Options_template_with_zero_scope_is_refused_and_the_set_goes_on()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var set = Set(3, new Bytes().Raw(IpfixOptionsTemplate(602, 0, (160, 8))).Raw(IpfixOptionsTemplate(603, 1, (149, 4), (160, 8))));
        var (res, _) = d.DecodeAll(IpfixMessage(1, set));
        Assert.Equal(DecodeStatus.BadTemplate, res.Status);
        Assert.Equal(1, d.Templates.Count);
    }

    [Fact]
    public void Message_length_beyond_the_datagram_is_truncated_and_counted()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        var p = Samples.IpfixPacket(2);
        var cut = p.AsSpan(0, p.Length - 10).ToArray();
        var (res, recs) = d.DecodeAll(cut);
        Assert.NotEqual(DecodeStatus.Ok, res.Status);
        Assert.Empty(recs);
        Assert.Equal(1, d.Templates.Count); // the complete template set still counts
        Assert.True(d.Counters.Total.Errors.Sum() >= 1);
    }
}

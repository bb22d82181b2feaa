using System.Text;
using FlowRelay.Protocols.Flows;
using FlowRelay.Protocols.Tests.Support;
using static FlowRelay.Protocols.Tests.Support.Packets;

namespace FlowRelay.Protocols.Tests.Templates;

public class TemplatePersistenceTests
{
    [Fact]
    public void Saved_templates_and_sampler_state_decode_data_after_a_restart()
    {
        var before = new FlowDecoder(new FlowDecoderOptions());
        before.DecodeAll(Samples.IpfixPacket(1));
        before.DecodeAll(Samples.V9Packet(1));
        var ot = Set(1, V9OptionsTemplate(260, [(1, 4)], [(48, 1), (50, 4)]));
        before.DecodeAll(V9(1, 1_000, ot, Set(260, new Bytes().U32(0).U8(3).U32(100)), Set(0, Template(302, F(48, 1), F(1, 4)))));
        var ipfixOpts = Set(3, IpfixOptionsTemplate(600, 1, (143, 4), (160, 8)));
        before.DecodeAll(IpfixMessage(1, ipfixOpts, Set(600, new Bytes().U32(1).U64(1_699_000_000_000)), Set(2, Template(700, F(22, 4)))));
        var ms = new MemoryStream();
        before.Templates.Save(ms);
        Assert.Contains("flowrelay-templates", Encoding.UTF8.GetString(ms.ToArray()));

        var after = new FlowDecoder(new FlowDecoderOptions());
        ms.Position = 0;
        Assert.Equal(before.Templates.Count, after.Templates.Load(ms));
        Assert.Null(after.Templates.LastLoadError);

        var (res, recs) = after.DecodeAll(Samples.IpfixPacket(4, withTemplate: false));
        Assert.Equal(DecodeStatus.Ok, res.Status);
        Assert.Equal(4, recs.Count);
        Assert.Equal(0, after.Counters.Total.SetsMissingTemplate);
        Assert.Equal(2, after.DecodeAll(Samples.V9Packet(2, withTemplate: false)).Records.Count);
        var sampled = after.DecodeAll(V9(1, 1_000, Set(302, new Bytes().U8(3).U32(7)))).Records.Single();
        Assert.Equal(100u, sampled.SamplingRate);
        Assert.Equal(700ul, sampled.Bytes);
        var timed = after.DecodeAll(IpfixMessage(1, Set(700, new Bytes().U32(500)))).Records.Single();
        Assert.Equal((1_699_000_000_000L + 500) * 1_000_000, timed.StartNs);
    }

    [Fact]
    public void V9_vendor_field_types_above_32767_survive_a_restart()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(V9(1, 1_000, Set(0, Template(320, F(40005, 1), F(1, 4)))));
        var ms = new MemoryStream();
        d.Templates.Save(ms);
        ms.Position = 0;
        var after = new FlowDecoder(new FlowDecoderOptions());
        Assert.Equal(1, after.Templates.Load(ms));
        var r = after.DecodeAll(V9(1, 1_000, Set(320, new Bytes().U8(7).U32(99)))).Records.Single();
        Assert.Equal(99ul, r.Bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("null")]
    [InlineData("{\"format\":\"other\",\"formatVersion\":1}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":99}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[{\"exporter\":\"nope\",\"id\":256,\"version\":10,\"fields\":[[8,0,4]]}]}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[{\"exporter\":\"10.0.0.1\",\"id\":256,\"version\":10,\"fields\":[[8,0]]}]}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[{\"exporter\":\"10.0.0.1\",\"id\":12,\"version\":10,\"fields\":[[8,0,4]]}]}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[{\"exporter\":\"10.0.0.1\",\"id\":256,\"version\":10,\"fields\":[[8,0,0]]}]}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[null]}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":{}}")]
    [InlineData("{\"format\":\"flowrelay-templates\",\"formatVersion\":1,\"templates\":[{\"exporter\":\"10.0.0.1\",\"id\":256,\"version\":10,\"fields\":[[8,0,4]]}],\"samplers\":[{\"exporter\":\"10.0.0.1\",\"rate\":0}]}")]
    public void A_corrupt_file_loads_nothing_and_says_why(string json)
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        int n = d.Templates.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));
        Assert.Equal(0, n);
        Assert.Equal(0, d.Templates.Count);
        Assert.False(string.IsNullOrEmpty(d.Templates.LastLoadError));
    }

    [Fact]
    public void A_truncated_save_file_loads_nothing()
    {
        var d = new FlowDecoder(new FlowDecoderOptions());
        d.DecodeAll(Samples.IpfixPacket(1));
        var ms = new MemoryStream();
        d.Templates.Save(ms);
        var bytes = ms.ToArray();
        for (int len = 0; len < bytes.Length; len += 7)
        {
            var fresh = new FlowDecoder(new FlowDecoderOptions());
            Assert.Equal(0, fresh.Templates.Load(new MemoryStream(bytes, 0, len)));
            Assert.NotNull(fresh.Templates.LastLoadError);
        }
    }

    [Fact]
    public void Templates_expire_after_the_timeout()
    {
        var d = new FlowDecoder(new FlowDecoderOptions { TemplateTimeout = TimeSpan.FromMinutes(1) });
        d.DecodeAll(Samples.IpfixPacket(1), now: 0);
        d.Expire(30_000_000_000);
        Assert.Equal(1, d.Templates.Count);
        d.Expire(61_000_000_000);
        Assert.Equal(0, d.Templates.Count);
        Assert.Equal(1, d.Counters.TemplatesExpired);
    }

    [Fact]
    public void Options_are_validated()
    {
        Assert.Throws<ArgumentException>(() => new FlowDecoder(new FlowDecoderOptions { MaxTemplates = 0 }));
        Assert.Throws<ArgumentException>(() => new FlowDecoder(new FlowDecoderOptions { TemplateTimeout = TimeSpan.Zero }));
    }
}

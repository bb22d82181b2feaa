using System.Buffers;
using System.Net;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Ecs;

public class FlowDocumentWriterTests
{
    private static readonly long Start = new DateTimeOffset(2026, 11, 28, 4, 10, 46, 498, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    internal static FlowEvent SampleEvent(string src = "10.99.0.1", string dst = "198.51.100.7", byte proto = 6)
    {
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = IpAddr.From(IPAddress.Parse("192.0.2.1"));
        f.Version = 10;
        f.SourceId = 7;
        f.TemplateId = 1024;
        f.Sequence = 99;
        f.SourceAddress = IpAddr.From(IPAddress.Parse(src));
        f.DestinationAddress = IpAddr.From(IPAddress.Parse(dst));
        f.SourcePort = 40000;
        f.DestinationPort = 443;
        f.Protocol = proto;
        f.TcpFlags = 0x1B; // FIN SYN PSH ACK
        f.Bytes = 3_000_000;
        f.Packets = 2_000;
        f.RawBytes = 30_000;
        f.RawPackets = 20;
        f.SamplingRate = 100;
        f.SamplingSource = SamplingSource.OptionsData;
        f.ReverseBytes = 5000;
        f.ReversePackets = 40;
        f.InputInterface = 3;
        f.OutputInterface = 4;
        f.SourceAs = 64500;
        f.VlanId = 12;
        f.FlowDirection = 1;
        f.StartNs = Start;
        f.EndNs = Start + 2_500_000_000;
        f.ReceivedNs = Start + 3_000_000_000;
        f.ExportNs = Start + 3_000_000_000;
        f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol
            | FlowFields.TcpFlags | FlowFields.Bytes | FlowFields.Packets | FlowFields.ReverseCounters | FlowFields.Interfaces
            | FlowFields.AutonomousSystems | FlowFields.Start | FlowFields.End | FlowFields.VlanId | FlowFields.FlowDirection;
        var batch = new[] { e };
        new CommunityIdEnricher().Enrich(batch);
        return batch[0];
    }

    internal static JsonElement Render(in FlowEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) FlowDocumentWriter.Write(writer, e);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    /// <summary>The sample after every enricher ran (networks, client/server, assets, DNS join, service names, GeoIP).</summary>
    internal static FlowEvent EnrichedEvent(string src = "10.99.0.1", string dst = "81.2.69.142", byte proto = 6)
    {
        var batch = new[] { SampleEvent(src, dst, proto) };
        var cache = new DnsAnswerCache(64, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1));
        cache.Add(batch[0].Flow.SourceAddress, batch[0].Flow.DestinationAddress, "www.example.co.uk", 60, Start - 1_000_000_000, "example.co.uk");
        var assets = AssetInventory.FromEntries([(IPNetwork.Parse("10.99.0.1/32"), new AssetInfo { Name = "build-7", Owner = "ci", Criticality = "high" })]);
        string dir = Path.Combine(AppContext.BaseDirectory, "Enrich", "MaxMind");
        using var geo = new GeoIpLookup(Path.Combine(dir, "GeoIP2-City-Test.mmdb"), Path.Combine(dir, "GeoLite2-ASN-Test.mmdb"), 16);
        IFlowEnricher[] chain =
        [
            new NetworkEnricher(new Dictionary<string, List<string>> { ["lab"] = ["10.99.0.0/16"] }, new Dictionary<string, List<string>> { ["hq"] = ["10.0.0.0/8"] }),
            new ClientServerEnricher(TimeSpan.FromSeconds(30), 64),
            new AssetEnricher(assets), new DnsJoinEnricher(cache), new ServiceNameEnricher(), new GeoIpEnricher(geo),
        ];
        foreach (var enricher in chain) enricher.Enrich(batch);
        return batch[0];
    }

    [Fact]
    public void Every_field_is_ECS_with_the_ECS_type_or_lives_under_flowrelay()
    {
        var schema = EcsSchema.Load();
        foreach (var e in new[]
                 {
                     SampleEvent(), SampleEvent("fd99::1", "2001:db8::7", 17), SampleEvent(proto: 1),
                     EnrichedEvent(), EnrichedEvent("81.2.69.142", "10.99.0.1", 17), EnrichedEvent("fd99::1", "2001:218::1"),
                 })
        {
            Assert.Empty(schema.Check(Render(e)));
        }
    }

    [Fact]
    public void Enrichment_fields_are_written()
    {
        JsonElement d = Render(EnrichedEvent());

        JsonElement net = d.GetProperty("network");
        Assert.Equal("outbound", net.GetProperty("direction").GetString());
        Assert.Equal("https", net.GetProperty("protocol").GetString());

        JsonElement dst = d.GetProperty("destination");
        Assert.Equal("www.example.co.uk", dst.GetProperty("domain").GetString());
        Assert.Equal("example.co.uk", dst.GetProperty("registered_domain").GetString());
        JsonElement geo = dst.GetProperty("geo");
        Assert.Equal("London", geo.GetProperty("city_name").GetString());
        Assert.Equal("GB", geo.GetProperty("country_iso_code").GetString());
        Assert.Equal("GB-ENG", geo.GetProperty("region_iso_code").GetString());
        Assert.Equal(51.5142, geo.GetProperty("location").GetProperty("lat").GetDouble(), 4);
        Assert.Equal(64500, d.GetProperty("source").GetProperty("as").GetProperty("number").GetInt64()); // the exporter's AS when MaxMind has none

        JsonElement client = d.GetProperty("client");
        Assert.Equal("10.99.0.1", client.GetProperty("ip").GetString());
        Assert.Equal(40000, client.GetProperty("port").GetInt32());
        Assert.Equal(3_000_000, client.GetProperty("bytes").GetInt64());
        Assert.Equal(5000, d.GetProperty("server").GetProperty("bytes").GetInt64());
        Assert.Equal(443, d.GetProperty("server").GetProperty("port").GetInt32());

        Assert.Equal("10.99.0.1", d.GetProperty("host").GetProperty("ip").GetString());
        Assert.Equal("build-7", d.GetProperty("host").GetProperty("name").GetString());

        JsonElement fr = d.GetProperty("flowrelay");
        Assert.Equal(["internal", "lab"], fr.GetProperty("source").GetProperty("zone").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("hq", fr.GetProperty("source").GetProperty("site").GetString());
        Assert.Equal("high", fr.GetProperty("source").GetProperty("asset").GetProperty("criticality").GetString());
        Assert.True(fr.GetProperty("destination").GetProperty("resolved").GetBoolean());
        Assert.False(fr.GetProperty("destination").TryGetProperty("zone", out _));
        Assert.Equal("service_port", fr.GetProperty("client_server").GetProperty("reason").GetString());
        Assert.Equal(0.75, fr.GetProperty("client_server").GetProperty("confidence").GetDouble());
        Assert.Equal("10.99.0.1", fr.GetProperty("internal_host").GetProperty("ip").GetString());
        Assert.Equal(3_000_000, fr.GetProperty("upload").GetProperty("bytes").GetInt64());
        Assert.Equal(5000, fr.GetProperty("download").GetProperty("bytes").GetInt64());
    }

    [Fact]
    public void Document_carries_the_flow_as_ECS_fields()
    {
        JsonElement d = Render(SampleEvent());

        Assert.Equal("2026-11-28T04:10:48.998Z", d.GetProperty("@timestamp").GetString());
        JsonElement ev = d.GetProperty("event");
        Assert.Equal("event", ev.GetProperty("kind").GetString());
        Assert.Equal("network", ev.GetProperty("category")[0].GetString());
        Assert.Equal("connection", ev.GetProperty("type")[0].GetString());
        Assert.Equal("2026-11-28T04:10:46.498Z", ev.GetProperty("start").GetString());
        Assert.Equal("2026-11-28T04:10:48.998Z", ev.GetProperty("end").GetString());
        Assert.Equal("2026-11-28T04:10:49.498Z", ev.GetProperty("created").GetString());
        Assert.Equal(2_500_000_000, ev.GetProperty("duration").GetInt64());

        Assert.Equal("10.99.0.1", d.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal(40000, d.GetProperty("source").GetProperty("port").GetInt32());
        Assert.Equal(3_000_000, d.GetProperty("source").GetProperty("bytes").GetInt64());
        Assert.Equal(64500, d.GetProperty("source").GetProperty("as").GetProperty("number").GetInt64());
        Assert.Equal(5000, d.GetProperty("destination").GetProperty("bytes").GetInt64());
        JsonElement net = d.GetProperty("network");
        Assert.Equal("tcp", net.GetProperty("transport").GetString());
        Assert.Equal("6", net.GetProperty("iana_number").GetString());
        Assert.Equal("ipv4", net.GetProperty("type").GetString());
        Assert.Equal(3_005_000, net.GetProperty("bytes").GetInt64());
        Assert.Equal(2_040, net.GetProperty("packets").GetInt64());
        Assert.StartsWith("1:", net.GetProperty("community_id").GetString());
        Assert.Equal("12", net.GetProperty("vlan").GetProperty("id").GetString());
        Assert.Equal("192.0.2.1", d.GetProperty("observer").GetProperty("ip").GetString());
        Assert.Equal("3", d.GetProperty("observer").GetProperty("ingress").GetProperty("interface").GetProperty("id").GetString());

        JsonElement fr = d.GetProperty("flowrelay");
        Assert.Equal(10, fr.GetProperty("version").GetInt32());
        Assert.Equal(1024, fr.GetProperty("template_id").GetInt32());
        Assert.Equal(["FIN", "SYN", "PSH", "ACK"], fr.GetProperty("tcp_flag_names").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("egress", fr.GetProperty("flow_direction").GetString());
        JsonElement sampling = fr.GetProperty("sampling");
        Assert.Equal(100, sampling.GetProperty("rate").GetInt32());
        Assert.Equal("options_data", sampling.GetProperty("source").GetString());
        Assert.Equal(30_000, sampling.GetProperty("raw_bytes").GetInt64());
    }

    [Theory]
    [InlineData("fd99::2")]
    [InlineData("2001:db8::1:0:0:1")]
    [InlineData("2001:db8:0:0:1:0:0:1")]
    [InlineData("fe80::260:97ff:fe07:69ea")]
    [InlineData("2001:db8:1:2:3:4:5:6")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("1::")]
    [InlineData("2001:0:0:1::1")]
    public void IPv6_text_is_RFC_5952_canonical(string address)
    {
        IPAddress parsed = IPAddress.Parse(address);
        Span<byte> buf = stackalloc byte[64];
        Assert.True(IpAddr.From(parsed).TryFormat(buf, out int n));
        Assert.Equal(parsed.ToString(), System.Text.Encoding.ASCII.GetString(buf[..n]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the options of NdjsonFileSink and SpoolDocumentWriter
    public void Writing_a_document_allocates_nothing(bool relaxedEncoder)
    {
        FlowEvent v4 = EnrichedEvent();
        FlowEvent v6 = EnrichedEvent("fd99::1", "2001:218::1");
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            SkipValidation = true, Encoder = relaxedEncoder ? System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping : null,
        });
        for (int i = 0; i < 100; i++) Write(writer, buffer, v4, v6);

        // Least of five rounds (Allocations.Least): a one-off allocation failed this test once; a per-document one shows in every round.
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++) Write(writer, buffer, v4, v6);
        });

        Assert.Equal(0, allocated);

        static void Write(Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer, in FlowEvent a, in FlowEvent b)
        {
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            FlowDocumentWriter.Write(writer, a);
            FlowDocumentWriter.Write(writer, b);
            writer.Flush();
        }
    }
}

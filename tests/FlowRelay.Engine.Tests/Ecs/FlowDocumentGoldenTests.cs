using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>
/// The flow writer's exact bytes, pinned: a fixed set of flow events (the hand-made samples plus
/// 150 seeded random ones that switch every optional field on and off and put quotes, backslashes,
/// control characters, HTML characters and non-ASCII text in every string) written through the
/// writer configurations the relay and its callers use. The golden file was produced by the
/// writer as it was before it was optimised, so any change of output, even one a JSON parser
/// would not notice (escaping, number format, order), fails here.
/// To regenerate after an intended change of the document: set FLOWRELAY_WRITE_GOLDEN to the path
/// of flow-documents.golden.txt in the source tree and run this test, then review the diff.
/// </summary>
public class FlowDocumentGoldenTests
{
    private const string GoldenFileName = "flow-documents.golden.txt";

    [Fact]
    public void Output_is_byte_for_byte_the_pinned_output()
    {
        GoldenFile.AssertMatches(GoldenFileName, RenderAll(), "FLOWRELAY_WRITE_GOLDEN");
    }

    internal static readonly (string Name, JsonWriterOptions Options)[] Configurations =
    [
        // NdjsonFileSink and SpoolDocumentWriter.
        ("relaxed", new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true }),
        // Tests and IndexTemplates: the default encoder, validation on.
        ("default", default),
        ("indented", new JsonWriterOptions { Indented = true }),
    ];

    private static string RenderAll()
    {
        var events = Events();
        var text = new StringBuilder();
        foreach (var (name, options) in Configurations)
        {
            // Indented output only for the first few: it is the same code path, just longer.
            for (int i = 0; i < (options.Indented ? 12 : events.Length); i++)
            {
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer, options)) FlowDocumentWriter.Write(writer, events[i]);
                text.Append(name).Append(' ').Append(i).Append(' ').Append(Encoding.UTF8.GetString(buffer.WrittenSpan).ReplaceLineEndings("\\n")).Append('\n');
            }
        }
        // Several documents through one writer (no Reset between), as a writer without validation allows.
        var shared = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(shared, Configurations[0].Options))
        {
            for (int i = 0; i < 3; i++) FlowDocumentWriter.Write(writer, events[i]);
        }
        text.Append("shared ").Append(Encoding.UTF8.GetString(shared.WrittenSpan)).Append('\n');
        return text.ToString();
    }

    private static readonly string[] Texts =
    [
        "plain", "www.example.co.uk", "a\"quote", "back\\slash", "tab\there", "new\nline", "<b>&amp;'+`</b>", "café", "日本語",
        "🛰 satellite", "ctl\u0001\u001f\u007f", "", "slash/path", "x".PadRight(100, 'y'), "mixed é \" \\ < 日",
    ];

    private static readonly byte[] Protocols = [6, 17, 1, 58, 132, 47, 50, 51, 0, 89, 255];

    /// <summary>The events of the golden file: the tests' samples, then seeded random ones.</summary>
    internal static FlowEvent[] Events()
    {
        var list = new List<FlowEvent>
        {
            FlowDocumentWriterTests.SampleEvent(), FlowDocumentWriterTests.SampleEvent("fd99::1", "2001:db8::7", 17), FlowDocumentWriterTests.SampleEvent(proto: 1),
            FlowDocumentWriterTests.EnrichedEvent(), FlowDocumentWriterTests.EnrichedEvent("81.2.69.142", "10.99.0.1", 17),
            FlowDocumentWriterTests.EnrichedEvent("fd99::1", "2001:218::1"), new FlowEvent(),
        };
        var random = new Random(20261128);
        var zoneNames = new ZoneNames(["internal", "lab", "dmz<1>", "büro", "a\"b"]);
        var batch = new FlowEvent[150];
        for (int i = 0; i < batch.Length; i++) batch[i] = RandomEvent(random, zoneNames);
        new CommunityIdEnricher().Enrich(batch.AsSpan(0, 75));
        list.AddRange(batch);
        return [.. list];
    }

    private static FlowEvent RandomEvent(Random r, ZoneNames zoneNames)
    {
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = Address(r);
        f.Version = (ushort)r.Next(0, 11);
        f.SourceId = (uint)r.NextInt64(0, uint.MaxValue + 1L);
        f.TemplateId = (ushort)(r.Next(3) == 0 ? 0 : r.Next(256, 65536));
        f.Sequence = (uint)r.NextInt64(0, uint.MaxValue + 1L);
        f.SourceAddress = Address(r);
        f.DestinationAddress = r.Next(10) == 0 ? f.SourceAddress : Address(r);
        f.NextHop = Address(r);
        f.SourcePort = (ushort)r.Next(65536);
        f.DestinationPort = (ushort)r.Next(65536);
        f.Protocol = Protocols[r.Next(Protocols.Length)];
        f.TcpFlags = (byte)r.Next(256);
        f.Tos = (byte)r.Next(256);
        f.IcmpTypeCode = (ushort)r.Next(65536);
        f.Bytes = Counter(r);
        f.Packets = Counter(r);
        f.RawBytes = Counter(r);
        f.RawPackets = Counter(r);
        f.ReverseBytes = Counter(r);
        f.ReversePackets = Counter(r);
        f.SamplingRate = (uint)r.Next(3) switch { 0 => 0u, 1 => 1u, _ => (uint)r.NextInt64(0, uint.MaxValue + 1L) };
        f.SamplingSource = (SamplingSource)r.Next(7);
        f.InputInterface = (uint)r.NextInt64(0, uint.MaxValue + 1L);
        f.OutputInterface = (uint)r.Next(100);
        f.SourceAs = (uint)(r.Next(3) == 0 ? 0 : r.NextInt64(1, uint.MaxValue + 1L));
        f.DestinationAs = (uint)(r.Next(3) == 0 ? 0 : r.Next(1, 70000));
        f.SourceMask = (byte)r.Next(129);
        f.DestinationMask = (byte)r.Next(129);
        f.VlanId = (ushort)(r.Next(3) == 0 ? 0 : r.Next(4096));
        f.FlowDirection = (byte)r.Next(4);
        f.FlowEndReason = (byte)r.Next(6);
        f.StartNs = Time(r);
        f.EndNs = r.Next(4) == 0 ? f.StartNs + r.NextInt64(0, 100_000_000_000) : Time(r);
        f.ReceivedNs = Time(r);
        f.ExportNs = Time(r);
        f.Present = (FlowFields)(uint)r.Next(1 << 19);

        e.SourceZones = r.Next(3) == 0 ? default : new ZoneSet((ulong)r.Next(1 << zoneNames.Count), zoneNames);
        e.DestinationZones = r.Next(3) == 0 ? default : new ZoneSet((ulong)r.Next(1 << zoneNames.Count), zoneNames);
        e.SourceSite = Text(r);
        e.DestinationSite = Text(r);
        e.Direction = (NetworkDirection)r.Next(8);
        e.InternalSide = (InternalSide)r.Next(4);
        e.UploadBytes = Counter(r);
        e.UploadPackets = Counter(r);
        e.DownloadBytes = Counter(r);
        e.DownloadPackets = Counter(r);
        e.ClientServerReason = (ClientServerReason)r.Next(9);
        e.ClientIsSource = r.Next(2) == 0;
        e.ClientServerConfidence = (byte)r.Next(256);
        e.SourceDomain = Text(r);
        e.SourceRegisteredDomain = Text(r);
        e.DestinationDomain = Text(r);
        e.DestinationRegisteredDomain = Text(r);
        e.DestinationResolved = r.Next(3) switch { 0 => null, 1 => true, _ => false };
        e.SourceAsset = Asset(r);
        e.DestinationAsset = Asset(r);
        e.SourceGeo = Geo(r);
        e.DestinationGeo = Geo(r);
        e.ApplicationProtocol = Text(r);
        return e;
    }

    private static IpAddr Address(Random r) => r.Next(4) switch
    {
        0 => default,
        1 => IpAddr.FromV4((uint)r.NextInt64(0, uint.MaxValue + 1L)),
        2 => IpAddr.From(IPAddress.Parse(r.Next(3) switch { 0 => "::", 1 => "fe80::260:97ff:fe07:69ea", _ => "2001:db8:0:0:1:0:0:1" })),
        _ => IpAddr.FromV6(Bytes(r, 16)),
    };

    private static byte[] Bytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static ulong Counter(Random r) => r.Next(5) switch
    {
        0 => 0,
        1 => ulong.MaxValue,
        2 => (ulong)r.Next(1000),
        _ => (ulong)r.NextInt64(0, long.MaxValue),
    };

    private static long Time(Random r) => r.Next(6) switch
    {
        0 => 0,
        1 => -r.NextInt64(1, 3_000_000_000_000_000_000), // before 1970: a broken exporter clock
        2 => long.MaxValue - r.NextInt64(0, 1_000_000),
        _ => r.NextInt64(1_000_000_000_000_000_000, 2_000_000_000_000_000_000),
    };

    private static string? Text(Random r) => r.Next(3) == 0 ? null : Texts[r.Next(Texts.Length)];

    private static AssetInfo? Asset(Random r) => r.Next(3) == 0 ? null : new AssetInfo
    {
        Name = r.Next(8) == 0 ? null! : Texts[r.Next(Texts.Length)], Owner = Text(r), Criticality = Text(r),
    };

    private static GeoInfo? Geo(Random r) => r.Next(3) == 0 ? null : new GeoInfo
    {
        ContinentCode = Text(r), ContinentName = Text(r), CountryIsoCode = Text(r), CountryName = Text(r), RegionIsoCode = Text(r),
        RegionName = Text(r), CityName = Text(r), PostalCode = Text(r), Timezone = Text(r),
        Latitude = r.Next(3) == 0 ? null : r.Next(2) == 0 ? Math.Round(r.NextDouble() * 180 - 90, 4) : r.NextDouble() * 180 - 90,
        Longitude = r.Next(3) == 0 ? null : r.Next(4) switch { 0 => 0.0, 1 => -0.0, 2 => 1e-7, _ => r.NextDouble() * 360 - 180 },
        AsNumber = (uint)(r.Next(2) == 0 ? 0 : r.Next(1, 400000)), AsOrganization = Text(r),
    };
}

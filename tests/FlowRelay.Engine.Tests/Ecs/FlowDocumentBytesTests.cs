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
/// The byte writer behind <see cref="FlowDocumentWriter"/>: its entry point for the outputs
/// (<see cref="FlowDocumentWriter.Write(IBufferWriter{byte}, in FlowEvent)"/>) against what
/// Utf8JsonWriter with UnsafeRelaxedJsonEscaping writes, its escaping against Utf8JsonWriter's for
/// awkward text, its size bound and its allocations.
/// </summary>
public class FlowDocumentBytesTests
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    /// <summary>Text that each encoder treats differently: quotes, backslashes, controls, HTML, non-ASCII, astral, lone surrogates, separators.</summary>
    public static readonly TheoryData<string> AwkwardTexts =
    [
        "plain.example.com", "a\"quote\"", "back\\slash\\", "tab\tcr\rlf\nff\fbs\b", "nul\0ctl\u0001\u001f\u007f", "c1\u0080\u009f",
        "<b>&amp;'+`</b>", "café", "日本語", "🛰 satellite", "lone\ud800high", "lone\udc00low", "\udc00\ud800reversed", "end\ud83d",
        "line\u2028para\u2029", "replacement\ufffd", "bom\ufeff", "private\ue000", "nonchar\uffff", "soft\u00adhyphen", "zwj\u200d", "", "slash/path",
        "x".PadRight(300, 'y'), "mixed é \" \\ < 日 \u0001 \ud800",
    ];

    [Theory]
    [MemberData(nameof(AwkwardTexts))]
    public void Every_string_field_is_escaped_as_Utf8JsonWriter_with_UnsafeRelaxedJsonEscaping_escapes_it(string text)
    {
        FlowEvent e = FlowDocumentWriterTests.EnrichedEvent();
        e.SourceDomain = e.DestinationDomain = e.SourceRegisteredDomain = e.DestinationRegisteredDomain = text;
        e.SourceSite = e.DestinationSite = e.ApplicationProtocol = e.ExcludedBy = text;
        e.SourceAsset = new AssetInfo { Name = text, Owner = text, Criticality = text };
        e.DestinationGeo = new GeoInfo { CountryIsoCode = text, CityName = text, AsNumber = 64512, AsOrganization = text, Latitude = 1.5, Longitude = -0.25 };

        string document = Encoding.UTF8.GetString(WriteBytes(e));
        string escaped = Escaped(text, Relaxed);
        foreach (string field in new[] { "domain", "registered_domain", "site", "protocol", "excluded_by", "name", "owner", "criticality", "country_iso_code", "city_name" })
        {
            Assert.Contains($"\"{field}\":{escaped}", document);
        }
        // 4 domain fields, 2 sites, the protocol, excluded_by, host.name, the asset's 3 fields, 2 geo fields and the AS organisation.
        Assert.Equal(15, Count(document, ":" + escaped));
        using var parsed = JsonDocument.Parse(document); // and it is JSON
    }

    [Fact]
    public void The_outputs_entry_point_writes_what_a_relaxed_Utf8JsonWriter_gets_for_every_golden_event()
    {
        foreach (FlowEvent e in FlowDocumentGoldenTests.Events())
        {
            var viaWriter = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(viaWriter, Relaxed)) FlowDocumentWriter.Write(writer, e);
            Assert.Equal(Encoding.UTF8.GetString(viaWriter.WrittenSpan), Encoding.UTF8.GetString(WriteBytes(e)));
        }
    }

    [Fact]
    public void Printable_ASCII_is_copied_only_where_the_encoders_leave_it_alone()
    {
        // The writer copies text whose characters are all in its "safe" set; every character is checked here
        // against Utf8JsonWriter, in a string value and in a UTF-8 one, for both encoders the writer serves.
        foreach (var options in new[] { Relaxed, new JsonWriterOptions { SkipValidation = true } })
        {
            for (int c = 0; c < 128; c++)
            {
                string text = "a" + (char)c + "b";
                var e = new FlowEvent { ApplicationProtocol = text };
                var expected = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(expected, options)) writer.WriteStringValue(text);
                var actual = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(actual, options)) FlowDocumentWriter.Write(writer, e);
                Assert.Contains("\"protocol\":" + Encoding.UTF8.GetString(expected.WrittenSpan) + ",", Encoding.UTF8.GetString(actual.WrittenSpan));
            }
        }
    }

    [Fact]
    public void The_community_id_bytes_are_escaped_as_Utf8JsonWriter_escapes_them()
    {
        FlowEvent e = FlowDocumentWriterTests.EnrichedEvent();
        "1:a+b/c\"d\\e<f>&'`\u0001ghij="u8.CopyTo(e.CommunityId.Bytes);
        foreach (var options in new[] { Relaxed, new JsonWriterOptions { SkipValidation = true } })
        {
            var expected = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(expected, options)) writer.WriteStringValue(e.CommunityId.Value);
            var actual = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(actual, options)) FlowDocumentWriter.Write(writer, e);
            Assert.Contains("\"community_id\":" + Encoding.UTF8.GetString(expected.WrittenSpan), Encoding.UTF8.GetString(actual.WrittenSpan));
        }
    }

    [Fact]
    public void The_largest_document_without_strings_fits_the_fixed_bound()
    {
        // Every optional member present with its longest value: IPv6 addresses of 39 characters, 20-digit counters,
        // all TCP flags, both sides' zones, interfaces, VLAN, Community ID, the client/server pair.
        var longest = IpAddr.From(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = f.SourceAddress = f.NextHop = longest;
        f.DestinationAddress = IpAddr.From(IPAddress.Parse("fffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
        f.Version = ushort.MaxValue;
        f.SourceId = f.Sequence = f.InputInterface = f.OutputInterface = f.SamplingRate = f.SourceAs = f.DestinationAs = uint.MaxValue;
        f.TemplateId = f.SourcePort = f.DestinationPort = f.VlanId = f.IcmpTypeCode = ushort.MaxValue;
        f.Protocol = 6; // TCP flags and their names are longer than ICMP's type and code
        f.TcpFlags = f.Tos = f.SourceMask = f.DestinationMask = f.FlowEndReason = byte.MaxValue;
        f.FlowDirection = 1;
        f.Bytes = f.Packets = f.RawBytes = f.RawPackets = f.ReverseBytes = f.ReversePackets = ulong.MaxValue;
        f.StartNs = 1;
        f.EndNs = f.ReceivedNs = f.ExportNs = long.MaxValue;
        f.Present = (FlowFields)uint.MaxValue;
        "1:0123456789abcdefghijklmnopqrstuvwxyzAB"u8[..CommunityIdValue.Length].CopyTo(e.CommunityId.Bytes);
        e.CommunityId.HasValue = true;
        var zones = new ZoneNames([.. Enumerable.Range(0, ZoneNames.Max).Select(i => "z" + i)]);
        e.SourceZones = e.DestinationZones = new ZoneSet(ulong.MaxValue, zones);
        e.DestinationResolved = false;
        e.Direction = NetworkDirection.External;
        e.InternalSide = InternalSide.Destination;
        e.ClientServerReason = ClientServerReason.StartTime;
        e.ClientServerConfidence = 255;
        e.UploadBytes = e.UploadPackets = e.DownloadBytes = e.DownloadPackets = ulong.MaxValue;

        byte[] document = WriteBytes(e);
        // The zone names are counted apart from the bound (with their length), so take them out here.
        int zoneText = 2 * Enumerable.Range(0, ZoneNames.Max).Sum(i => ("\"z" + i + "\",").Length);
        Assert.True(document.Length - zoneText < FlowDocumentWriter.MaxFixedLength * 3 / 4,
            $"{document.Length - zoneText} bytes without zone names; the bound is {FlowDocumentWriter.MaxFixedLength}");
        using var parsed = JsonDocument.Parse(document);
    }

    [Fact]
    public void A_small_buffer_grows_to_take_the_document()
    {
        FlowEvent e = FlowDocumentWriterTests.EnrichedEvent();
        var small = new ArrayBufferWriter<byte>(1);
        FlowDocumentWriter.Write(small, e);
        FlowDocumentWriter.Write(small, e);
        byte[] one = WriteBytes(e);
        Assert.Equal([.. one, .. one], small.WrittenSpan.ToArray());
    }

    [Fact]
    public void Writing_to_a_buffer_allocates_nothing()
    {
        FlowEvent v4 = FlowDocumentWriterTests.EnrichedEvent();
        FlowEvent v6 = FlowDocumentWriterTests.EnrichedEvent("fd99::1", "2001:218::1");
        v4.SourceDomain = "non-ascii-é.example"; // escaped through the thread's writer, made once
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        for (int i = 0; i < 100; i++) Write(buffer, v4, v6);

        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++) Write(buffer, v4, v6);
        });

        Assert.Equal(0, allocated);

        static void Write(ArrayBufferWriter<byte> buffer, in FlowEvent a, in FlowEvent b)
        {
            buffer.ResetWrittenCount();
            FlowDocumentWriter.Write(buffer, a);
            FlowDocumentWriter.Write(buffer, b);
        }
    }

    private static byte[] WriteBytes(in FlowEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        FlowDocumentWriter.Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Escaped(string text, JsonWriterOptions options)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, options)) writer.WriteStringValue(text);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int Count(string haystack, string needle)
    {
        int n = 0;
        for (int i = haystack.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = haystack.IndexOf(needle, i + needle.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}

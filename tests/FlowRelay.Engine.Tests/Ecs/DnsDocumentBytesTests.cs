using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Tests.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>
/// The byte writer behind <see cref="DnsDocumentWriter"/>: the outputs' entry point against a relaxed
/// Utf8JsonWriter, awkward text in every string field, the entropy number, the size bound, allocations.
/// </summary>
public class DnsDocumentBytesTests
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    [Fact]
    public void The_outputs_entry_point_writes_what_a_relaxed_Utf8JsonWriter_gets_for_every_golden_event()
    {
        foreach (DnsEvent e in DnsDocumentGoldenTests.Events())
        {
            var viaWriter = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(viaWriter, Relaxed)) DnsDocumentWriter.Write(writer, e);
            Assert.Equal(Encoding.UTF8.GetString(viaWriter.WrittenSpan), Encoding.UTF8.GetString(WriteBytes(e)));
        }
    }

    [Theory]
    [MemberData(nameof(FlowDocumentBytesTests.AwkwardTexts), MemberType = typeof(FlowDocumentBytesTests))]
    public void Every_string_field_is_escaped_as_Utf8JsonWriter_with_UnsafeRelaxedJsonEscaping_escapes_it(string text)
    {
        DnsEvent e = DnsDocumentWriterTests.FromBind("client @0x7f00aa 10.0.0.5#53211 (www.example.com): query: www.example.com IN A +E(0)K (127.0.0.1)", out _);
        e.ObserverHostname = e.AppName = e.Input = e.NameUnicode = e.ExcludedBy = text;
        e.Query.QueryTypeName = e.Query.QueryClassName = e.Query.ResponseCodeName = e.Query.View = e.Query.Uid = text;
        e.Query.AddAnswer(text);

        string document = Encoding.UTF8.GetString(WriteBytes(e));
        string escaped = Escaped(text);
        foreach (string field in new[] { "hostname", "appname", "input", "name_unicode", "excluded_by", "type", "class", "response_code", "view", "uid", "data", "name" })
        {
            Assert.Contains($"\"{field}\":{escaped}", document);
        }
        using var parsed = JsonDocument.Parse(document);
    }

    [Fact]
    public void Entropy_in_thousandths_is_the_number_Utf8JsonWriter_writes()
    {
        var expected = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(expected, new JsonWriterOptions { SkipValidation = true });
        Span<byte> actual = stackalloc byte[64];
        var values = Enumerable.Range(0, 100_001).Select(k => (double)k).Concat([-0.0, 0.5, 1234.5678, 123_456_789.0, 1e12, -3]);
        foreach (double thousandths in values)
        {
            expected.ResetWrittenCount();
            writer.Reset(expected);
            writer.WriteNumberValue(thousandths / 1000);
            writer.Flush();
            var j = new JsonBytes(actual, relaxed: true);
            j.Thousandths(thousandths);
            Assert.Equal(Encoding.ASCII.GetString(expected.WrittenSpan), Encoding.ASCII.GetString(actual[..j.Length]));
        }
    }

    [Fact]
    public void The_largest_document_without_strings_fits_the_fixed_bound()
    {
        var longest = IpAddr.From(IPAddress.Parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"));
        var q = DnsQueryRecord.Empty();
        q.QueryName = "";
        q.Format = DnsLogFormat.Dnsmasq;
        q.ClientIp = q.Server = q.Upstream = longest;
        q.ClientPort = q.ServerPort = ushort.MaxValue;
        q.ResponseCode = 0;
        q.QueryId = int.MaxValue;
        q.Serial = long.MaxValue;
        q.DurationNs = long.MaxValue;
        q.ResponseBytes = int.MaxValue;
        q.AnswersDropped = int.MaxValue;
        q.Flags = (DnsQueryFlags)ushort.MaxValue;
        var e = new DnsEvent
        {
            Query = q, TimestampNs = long.MaxValue, ReceivedNs = long.MaxValue, Observer = longest, SuffixStart = -1, RegisteredStart = -1,
            ObserverHostname = "", AppName = "",
        };

        byte[] document = WriteBytes(e);
        Assert.True(document.Length < DnsDocumentWriter.MaxFixedLength * 3 / 4, $"{document.Length} bytes; the bound is {DnsDocumentWriter.MaxFixedLength}");
        using var parsed = JsonDocument.Parse(document);
    }

    [Fact]
    public void Writing_to_a_buffer_allocates_nothing()
    {
        DnsEvent e = DnsDocumentWriterTests.FromBind("client @0x7f00aa 10.0.0.5#53211 (www.example.com): query: www.example.com IN A +E(0)K (127.0.0.1)", out _);
        e.Query.AddAnswer("93.184.216.34");
        e.Query.AddAnswer("cname.example.net");
        e.NameUnicode = "bücher.example";
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        for (int i = 0; i < 100; i++) Write(buffer, e);

        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++) Write(buffer, e);
        });

        Assert.Equal(0, allocated);

        static void Write(ArrayBufferWriter<byte> buffer, in DnsEvent e)
        {
            buffer.ResetWrittenCount();
            DnsDocumentWriter.Write(buffer, e);
        }
    }

    private static byte[] WriteBytes(in DnsEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        DnsDocumentWriter.Write(buffer, e);
        return buffer.WrittenSpan.ToArray();
    }

    private static string Escaped(string text)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Relaxed)) writer.WriteStringValue(text);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

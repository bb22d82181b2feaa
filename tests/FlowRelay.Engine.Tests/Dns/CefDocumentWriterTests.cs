using System.Buffers;
using System.Net;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Tests.Ecs;
using FlowRelay.Protocols.Cef;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Dns;

/// <summary>CEF from other devices as ECS: every mapped key converted to its ECS type, every emitted field ECS or under flowrelay.*.</summary>
public class CefDocumentWriterTests
{
    private static readonly EcsSchema Schema = EcsSchema.Load();
    private static readonly long Arrival = new DateTimeOffset(2026, 11, 28, 4, 36, 5, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    private static JsonElement Render(string message, long headerNs = 0)
    {
        Assert.Equal(CefParseStatus.Ok, CefParser.Parse(message, out var cef));
        var e = new CefInputEvent(cef!, headerNs, Arrival, IpAddr.From(IPAddress.Parse("192.0.2.9")), "fw1", "udp:0.0.0.0:514", false);
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) CefDocumentWriter.Write(w, e);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    [Fact]
    public void Every_mapped_key_yields_valid_ECS()
    {
        // One value of the right form for every key the mapping knows, short names and full names.
        var values = new Dictionary<CefValueType, string>
        {
            [CefValueType.String] = "some text", [CefValueType.Integer] = "443", [CefValueType.Long] = "123456789012",
            [CefValueType.Double] = "1.5", [CefValueType.Ip] = "2001:db8::7", [CefValueType.Timestamp] = "Nov 28 2026 04:36:02.123 UTC",
            [CefValueType.Mac] = "00:0c:29:aa:bb:cc", [CefValueType.GeoLatitude] = "52.52", [CefValueType.GeoLongitude] = "13.40",
            [CefValueType.Direction] = "1",
        };
        var ext = string.Join(' ', CefEcsMapping.Fields.Select(f => $"{f.ShortName ?? f.FullName}={values[f.Type]}"));
        var doc = Render($"CEF:0|Vendor|Product|1.2|sig-1|Something happened|7|{ext}");
        Assert.Empty(Schema.Check(doc));
        Assert.Equal("2001:db8::7", doc.GetProperty("source").GetProperty("ip").GetString());
        Assert.Equal(443, doc.GetProperty("destination").GetProperty("port").GetInt32());
        Assert.Equal("00-0C-29-AA-BB-CC", doc.GetProperty("source").GetProperty("mac").GetString());
        Assert.Equal(52.52, doc.GetProperty("source").GetProperty("geo").GetProperty("location").GetProperty("lat").GetDouble());
        Assert.Equal("outbound", doc.GetProperty("network").GetProperty("direction").GetString());
        Assert.Equal("2026-11-28T04:36:02.123Z", doc.GetProperty("@timestamp").GetString());
        Assert.Equal(7, doc.GetProperty("event").GetProperty("severity").GetInt32());
        Assert.Equal("443", doc.GetProperty("flowrelay").GetProperty("cef").GetProperty("extensions").GetProperty("type").GetString()); // CEF type is no ECS event.kind value
    }

    [Fact]
    public void Values_that_do_not_convert_stay_under_flowrelay_cef_extensions()
    {
        var doc = Render("CEF:0|V|P|1|2|n|Low|src=not-an-ip dpt=http rt=yesterday cs1Label=zone cs1=dmz", Arrival - 1_000_000_000);
        Assert.Empty(Schema.Check(doc));
        var x = doc.GetProperty("flowrelay").GetProperty("cef").GetProperty("extensions");
        Assert.Equal("not-an-ip", x.GetProperty("sourceAddress").GetString());
        Assert.Equal("http", x.GetProperty("destinationPort").GetString());
        Assert.Equal("yesterday", x.GetProperty("deviceReceiptTime").GetString());
        Assert.Equal("dmz", x.GetProperty("cs1").GetString());
        Assert.False(doc.TryGetProperty("source", out _));
        Assert.Equal("2026-11-28T04:36:04.000Z", doc.GetProperty("@timestamp").GetString()); // the syslog header's time
        Assert.Equal(0, doc.GetProperty("event").GetProperty("severity").GetInt32()); // Low
        Assert.Equal("CEF:0|V|P|1|2|n|Low|src=not-an-ip dpt=http rt=yesterday cs1Label=zone cs1=dmz", doc.GetProperty("event").GetProperty("original").GetString());
    }
}

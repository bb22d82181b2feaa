using FlowRelay.Protocols.Cef;
using static FlowRelay.Protocols.Tests.DnsLogs.SampleFiles;

namespace FlowRelay.Protocols.Tests.Cef;

public class CefParserTests
{
    [Fact]
    public void Header_and_extension()
    {
        const string text = "CEF:0|security|threatmanager|1.0|100|worm successfully stopped|10|src=10.0.0.1 dst=2.1.2.2 spt=1232";
        Assert.Equal(CefParseStatus.Ok, CefParser.Parse(text, out var e));
        Assert.NotNull(e);
        Assert.Equal(text, e.Original);
        Assert.Equal((0, "security", "threatmanager", "1.0", "100", "worm successfully stopped", "10", 10),
            (e.Version, e.DeviceVendor, e.DeviceProduct, e.DeviceVersion, e.DeviceEventClassId, e.Name, e.Severity, e.SeverityNumber));
        Assert.Equal([new("src", "10.0.0.1"), new("dst", "2.1.2.2"), new("spt", "1232")], e.Extensions);
    }

    [Fact]
    public void Header_escapes()
    {
        Assert.Equal(CefParseStatus.Ok, CefParser.Parse(@"CEF:0|security|threat\|manager|1.0|100|detected a \\ in packet|High|", out var e));
        Assert.Equal("threat|manager", e!.DeviceProduct);
        Assert.Equal(@"detected a \ in packet", e.Name);
        Assert.Equal(7, e.SeverityNumber);
        Assert.Empty(e.Extensions);
    }

    [Fact]
    public void Extension_values_with_spaces_escapes_and_equals()
    {
        const string text = @"CEF:1|Acme|FW|2.3|deny|Blocked|Medium|act=blocked and logged msg=Detected a threat.\nNo action a\=b \\ done request=http://x.test/?a=b&c=d suser=jdoe cs1Label=Rule Name cs1=Allow \| all  ";
        Assert.Equal(CefParseStatus.Ok, CefParser.Parse(text, out var e));
        Assert.Equal(4, e!.SeverityNumber);
        Assert.Equal("blocked and logged", e.Get("act"));
        Assert.Equal("Detected a threat.\nNo action a=b \\ done", e.Get("msg"));
        Assert.Equal("http://x.test/?a=b&c=d", e.Get("request"));
        Assert.Equal("jdoe", e.Get("suser"));
        Assert.Equal("Rule Name", e.Get("cs1Label"));
        Assert.Equal("Allow | all", e.Get("cs1"));
        Assert.Equal(["act", "msg", "request", "suser", "cs1Label", "cs1"], e.Extensions.Select(x => x.Key));
    }

    [Fact]
    public void Syslog_header_before_the_marker_is_skipped()
    {
        var bytes = U8("<134>Nov 28 04:36:04 fw1 CEF:0|Acme|FW|2.3|100|Allowed|3|src=10.1.1.1 dpt=443 cat=/Firewall/Allow\r\n");
        Assert.Equal(CefParseStatus.Ok, CefParser.Parse(bytes, out var e));
        Assert.StartsWith("CEF:0|Acme", e!.Original);
        Assert.EndsWith("cat=/Firewall/Allow", e.Original);
        Assert.Equal("/Firewall/Allow", e.Get("cat"));
    }

    [Theory]
    [InlineData("", CefParseStatus.Empty)]
    [InlineData("hello", CefParseStatus.NotCef)]
    [InlineData("CEF:0|a|b|c|d|e", CefParseStatus.BadHeader)]
    [InlineData("CEF:x|a|b|c|d|e|f|", CefParseStatus.BadHeader)]
    [InlineData("CEF:0|a|b|c|d|e|f|no pairs here", CefParseStatus.BadExtension)]
    [InlineData("CEF:0|a|b|c|d|e|f|junk src=1.2.3.4", CefParseStatus.BadExtension)]
    public void Bad_messages(string text, CefParseStatus expected)
    {
        Assert.Equal(expected, CefParser.Parse(U8(text), out _));
    }

    [Fact]
    public void Pairs_before_bad_text_are_kept()
    {
        Assert.Equal(CefParseStatus.BadExtension, CefParser.Parse("CEF:0|a|b|c|d|e|f|junk src=1.2.3.4", out var e));
        Assert.Equal("1.2.3.4", e!.Get("src"));
    }

    [Theory]
    [InlineData("src", "sourceAddress", "source.ip", CefValueType.Ip)]
    [InlineData("sourceAddress", "sourceAddress", "source.ip", CefValueType.Ip)]
    [InlineData("spt", "sourcePort", "source.port", CefValueType.Integer)]
    [InlineData("dst", "destinationAddress", "destination.ip", CefValueType.Ip)]
    [InlineData("dpt", "destinationPort", "destination.port", CefValueType.Integer)]
    [InlineData("act", "deviceAction", "event.action", CefValueType.String)]
    [InlineData("suser", "sourceUserName", "source.user.name", CefValueType.String)]
    [InlineData("duser", "destinationUserName", "destination.user.name", CefValueType.String)]
    [InlineData("rt", "deviceReceiptTime", "@timestamp", CefValueType.Timestamp)]
    [InlineData("in", "bytesIn", "source.bytes", CefValueType.Long)]
    [InlineData("out", "bytesOut", "destination.bytes", CefValueType.Long)]
    [InlineData("proto", "transportProtocol", "network.transport", CefValueType.String)]
    [InlineData("msg", "message", "message", CefValueType.String)]
    [InlineData("request", "requestUrl", "url.original", CefValueType.String)]
    public void Ecs_mapping(string key, string fullName, string ecs, CefValueType type)
    {
        Assert.True(CefEcsMapping.TryGet(key, out var f));
        Assert.Equal((fullName, ecs, type), (f.FullName, f.EcsField, f.Type));
        Assert.Equal(fullName, CefEcsMapping.FullName(key));
    }

    [Fact]
    public void Mapping_table_is_consistent()
    {
        Assert.False(CefEcsMapping.TryGet("cs1", out _));
        Assert.Equal("observer.vendor", CefEcsMapping.HeaderFields["deviceVendor"]);
        var names = CefEcsMapping.Fields.SelectMany(f => f.ShortName is null ? [f.FullName] : new[] { f.FullName, f.ShortName }).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(CefEcsMapping.Fields, f => Assert.Matches(@"^(@timestamp|[a-z_]+(\.[a-z_]+)*)$", f.EcsField));
    }
}

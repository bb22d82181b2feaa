using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Tests.Ecs;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Dns;

public class DnsDocumentWriterTests
{
    private static readonly EcsSchema Schema = EcsSchema.Load();
    private static readonly long Arrival = new DateTimeOffset(2026, 11, 28, 4, 36, 5, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;
    private static readonly long Header = new DateTimeOffset(2026, 11, 28, 4, 36, 4, 107, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1_000_000;

    // From the committed syslog sample (named over syslog, RFC 3164).
    private const string BindLine = "client @0x7f00aa 10.0.0.5#53211 (WWW.Example.CO.UK.): query: WWW.Example.CO.UK. IN A +E(0)K (127.0.0.1)";

    internal static DnsEvent FromBind(string line, out DnsQueryRecord record)
    {
        Assert.Equal(DnsLogParseStatus.Ok, BindQueryLogParser.Parse(Encoding.ASCII.GetBytes(line), out record));
        var e = DnsEvent.Create(record, Header, headerZoned: true, Arrival, PublicSuffixListTests.SystemList.Value);
        e.Observer = IpAddr.From(IPAddress.Parse("192.0.2.53"));
        e.ObserverHostname = "ns1";
        e.AppName = "named";
        e.Input = "udp:0.0.0.0:514";
        return e;
    }

    internal static JsonElement Render(in DnsEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) DnsDocumentWriter.Write(writer, e);
        return JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
    }

    private static string? Get(JsonElement doc, string path)
    {
        var cur = doc;
        foreach (string part in path.Split('.'))
        {
            if (cur.ValueKind != JsonValueKind.Object || !cur.TryGetProperty(part, out cur)) return null;
        }
        return cur.ValueKind == JsonValueKind.String ? cur.GetString() : cur.GetRawText();
    }

    [Fact]
    public void Bind_query_becomes_an_ECS_dns_document()
    {
        var doc = Render(FromBind(BindLine, out _));
        Assert.Empty(Schema.Check(doc));
        Assert.Equal("2026-11-28T04:36:04.107Z", Get(doc, "@timestamp"));
        Assert.Equal("2026-11-28T04:36:05.000Z", Get(doc, "event.created"));
        Assert.Equal("event", Get(doc, "event.kind"));
        Assert.Equal("[\"network\"]", Get(doc, "event.category"));
        Assert.Equal("[\"protocol\"]", Get(doc, "event.type"));
        Assert.Equal("flowrelay.dns", Get(doc, "event.dataset"));
        Assert.Equal("www.example.co.uk", Get(doc, "dns.question.name"));
        Assert.Equal("A", Get(doc, "dns.question.type"));
        Assert.Equal("IN", Get(doc, "dns.question.class"));
        Assert.Equal("example.co.uk", Get(doc, "dns.question.registered_domain"));
        Assert.Equal("www", Get(doc, "dns.question.subdomain"));
        Assert.Equal("co.uk", Get(doc, "dns.question.top_level_domain"));
        Assert.Equal("query", Get(doc, "dns.type"));
        Assert.Equal("[\"RD\"]", Get(doc, "dns.header_flags"));
        Assert.Equal("10.0.0.5", Get(doc, "source.ip"));
        Assert.Equal("53211", Get(doc, "source.port"));
        Assert.Equal("127.0.0.1", Get(doc, "destination.ip"));
        Assert.Equal("dns", Get(doc, "network.protocol"));
        Assert.Equal("udp", Get(doc, "network.transport"));
        Assert.Equal("192.0.2.53", Get(doc, "observer.ip"));
        Assert.Equal("ns1", Get(doc, "observer.hostname"));
        Assert.Equal("ns1", Get(doc, "host.name"));
        Assert.Equal("[\"192.0.2.53\"]", Get(doc, "host.ip"));
        Assert.Equal("named", Get(doc, "log.syslog.appname"));
        Assert.Equal("bind", Get(doc, "flowrelay.dns.format"));
        Assert.Null(Get(doc, "dns.response_code"));
        // The name's shape: "www" has one symbol, so no entropy; nothing looks encoded, it is no IDN.
        Assert.Equal("17", Get(doc, "flowrelay.dns.question.length"));
        Assert.Equal("4", Get(doc, "flowrelay.dns.question.label_count"));
        Assert.Equal("7", Get(doc, "flowrelay.dns.question.longest_label"));
        Assert.Equal("3", Get(doc, "flowrelay.dns.question.subdomain_length"));
        Assert.Equal("0", Get(doc, "flowrelay.dns.question.subdomain_entropy"));
        Assert.Null(Get(doc, "flowrelay.dns.question.encoding"));
        Assert.Null(Get(doc, "flowrelay.dns.question.name_unicode"));
    }

    public static TheoryData<string, string?> Names() => new()
    {
        { "www.example.co.uk", null },
        { "nbswy3dpeb3w64tmmqqgk3dfnzsxi33o.t.tunnel.example.com", "base32" },
        { "0123456789abcdef0123456789abcdef.c2.example.net", "hex" },
        // Names are lower-cased when the event is built, so base64's mixed case is gone: it reads as base32.
        { "aGVsbG8gd29ybGQhIFRoaXMgaXM.tunnel.example.org", "base32" },
        { "x7f3k2q9.badcdn.com", null },
        { "example.com", null }, // the registered domain itself: an empty subdomain, no entropy
        { "co.uk", null }, // a public suffix: no registered domain, no subdomain length
        { "localhost", null }, // no suffix known
    };

    /// <summary>
    /// The document carries the name's shape under the rules' names, computed the same way: each
    /// field is there exactly when the rules' field has a value and holds the same value (entropy as
    /// the rules' millibits / 1000).
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Name_shape_fields_are_the_ones_the_rules_see(string name, string? encoding)
    {
        var r = DnsQueryRecord.Empty();
        r.QueryName = name;
        var e = DnsEvent.Create(r, 0, false, Arrival, PublicSuffixListTests.SystemList.Value);
        var doc = Render(e);
        Assert.Empty(Schema.Check(doc));
        var rules = FlowRelay.Engine.Rules.Fields.DnsEventFields.Table;
        foreach (string field in new[] { "length", "label_count", "longest_label", "subdomain_length", "encoding" })
        {
            Assert.True(rules.TryGet("flowrelay.dns.question." + field, out var accessor));
            Assert.Equal(accessor.ToDisplayString(e), Get(doc, "flowrelay.dns.question." + field));
        }
        Assert.True(rules.TryGet("flowrelay.dns.question.subdomain_entropy_millibits", out var millibits));
        string? entropy = Get(doc, "flowrelay.dns.question.subdomain_entropy");
        if (millibits.ToDisplayString(e) is { } m)
        {
            Assert.NotNull(entropy);
            Assert.Equal(long.Parse(m, System.Globalization.CultureInfo.InvariantCulture),
                (long)Math.Round(double.Parse(entropy!, System.Globalization.CultureInfo.InvariantCulture) * 1000));
        }
        else
        {
            Assert.Null(entropy);
        }
        Assert.Equal(encoding, Get(doc, "flowrelay.dns.question.encoding"));
        Assert.Equal(name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Get(doc, "flowrelay.dns.question.length"));
    }

    [Fact]
    public void Entropy_is_a_readable_fraction_of_bits_per_character()
    {
        var r = DnsQueryRecord.Empty();
        r.QueryName = "nbswy3dpeb3w64tmmqqgk3dfnzsxi33o.t.tunnel.example.com";
        var doc = Render(DnsEvent.Create(r, 0, false, Arrival, PublicSuffixListTests.SystemList.Value));
        var value = doc.GetProperty("flowrelay").GetProperty("dns").GetProperty("question").GetProperty("subdomain_entropy");
        Assert.Equal(JsonValueKind.Number, value.ValueKind);
        // The subdomain left of example.com, dots left out: the data label, "t" and "tunnel".
        var sub = "nbswy3dpeb3w64tmmqqgk3dfnzsxi33o" + "t" + "tunnel";
        double expected = -sub.GroupBy(c => c).Sum(g => (double)g.Count() / sub.Length * Math.Log2((double)g.Count() / sub.Length));
        Assert.Equal(Math.Round(expected, 3), value.GetDouble(), 6);
        Assert.InRange(value.GetDouble(), 3.5, 4.5);
        Assert.Equal("39", Get(doc, "flowrelay.dns.question.subdomain_length"));
        Assert.Equal("32", Get(doc, "flowrelay.dns.question.longest_label"));
        Assert.Equal("5", Get(doc, "flowrelay.dns.question.label_count"));
    }

    [Fact]
    public void Answered_query_has_answers_resolved_ips_and_response_code()
    {
        var r = DnsQueryRecord.Empty();
        r.Format = DnsLogFormat.Dnsmasq;
        r.ClientIp = IpAddr.From(IPAddress.Parse("fd00::5"));
        r.QueryName = "www.lab.test";
        r.QueryType = 1;
        r.QueryTypeName = "A";
        r.SetResponseCode(0);
        r.AddAnswer("10.1.2.3");
        r.AddAnswer("fd00::1");
        r.AddAnswer("alias.lab.test");
        r.Flags = DnsQueryFlags.Cached;
        r.QueryId = 4242;
        r.DurationNs = 1_500_000;
        var e = DnsEvent.Create(r, 0, false, Arrival, PublicSuffixListTests.SystemList.Value);
        var doc = Render(e);
        Assert.Empty(Schema.Check(doc));
        Assert.Equal("2026-11-28T04:36:05.000Z", Get(doc, "@timestamp")); // no log time: arrival
        Assert.Equal("answer", Get(doc, "dns.type"));
        Assert.Equal("NOERROR", Get(doc, "dns.response_code"));
        Assert.Equal("4242", Get(doc, "dns.id"));
        Assert.Equal("success", Get(doc, "event.outcome"));
        Assert.Equal("1500000", Get(doc, "event.duration"));
        var answers = doc.GetProperty("dns").GetProperty("answers");
        Assert.Equal(3, answers.GetArrayLength());
        Assert.Equal("10.1.2.3", answers[0].GetProperty("data").GetString());
        Assert.Equal("A", answers[0].GetProperty("type").GetString());
        Assert.Equal("AAAA", answers[1].GetProperty("type").GetString());
        Assert.False(answers[2].TryGetProperty("type", out _));
        Assert.Equal("[\"10.1.2.3\",\"fd00::1\"]", Get(doc, "dns.resolved_ip"));
        Assert.Equal("[\"fd00::5\",\"10.1.2.3\",\"fd00::1\"]", Get(doc, "related.ip"));
        Assert.Equal("lab.test", Get(doc, "dns.question.registered_domain"));
        Assert.Equal("www", Get(doc, "dns.question.subdomain"));
        Assert.Equal("true", Get(doc, "flowrelay.dns.cached"));
        Assert.Null(Get(doc, "host"));
    }

    [Theory]
    [InlineData("www.xn--85x722f.xn--fiqs8s.", "www.xn--85x722f.xn--fiqs8s", "www.食狮.中国", "xn--85x722f.xn--fiqs8s")]
    [InlineData("WWW.食狮.公司.cn", "www.xn--85x722f.xn--55qx5d.cn", "www.食狮.公司.cn", "xn--85x722f.xn--55qx5d.cn")]
    public void IDNs_are_kept_in_punycode_with_the_unicode_form_beside(string logged, string ascii, string unicode, string registered)
    {
        var r = DnsQueryRecord.Empty();
        r.Format = DnsLogFormat.ZeekJson;
        r.QueryName = logged;
        var doc = Render(DnsEvent.Create(r, 0, false, Arrival, PublicSuffixListTests.SystemList.Value));
        Assert.Empty(Schema.Check(doc));
        Assert.Equal(ascii, Get(doc, "dns.question.name"));
        Assert.Equal(unicode, Get(doc, "flowrelay.dns.question.name_unicode"));
        Assert.Equal(registered, Get(doc, "dns.question.registered_domain"));
    }

    [Fact]
    public void A_public_suffix_name_has_a_tld_but_no_registered_domain()
    {
        var r = DnsQueryRecord.Empty();
        r.QueryName = "co.uk";
        var doc = Render(DnsEvent.Create(r, 0, false, Arrival, PublicSuffixListTests.SystemList.Value));
        Assert.Empty(Schema.Check(doc));
        Assert.Equal("co.uk", Get(doc, "dns.question.top_level_domain"));
        Assert.Null(Get(doc, "dns.question.registered_domain"));
        Assert.Null(Get(doc, "dns.question.subdomain"));
    }

    [Fact]
    public void Zoned_line_time_wins_over_a_zoneless_header()
    {
        var r = DnsQueryRecord.Empty();
        r.QueryName = "a.example";
        r.TimestampUnixNs = Header - 5_000_000_000;
        r.TimestampHasZone = true;
        var e = DnsEvent.Create(r, Header, headerZoned: false, Arrival, null);
        Assert.Equal(Header - 5_000_000_000, e.TimestampNs);
        r.TimestampHasZone = false;
        e = DnsEvent.Create(r, Header, headerZoned: false, Arrival, null);
        Assert.Equal(Header, e.TimestampNs);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0123456789abcdef0123456789abcdef.c2.example.net")]
    public void Writing_a_document_allocates_nothing(string? name)
    {
        var e = FromBind(BindLine, out _);
        if (name is not null)
        {
            // A name with every shape field, encoding included.
            var r = e.Query;
            r.QueryName = name;
            e = DnsEvent.Create(r, Header, headerZoned: true, Arrival, PublicSuffixListTests.SystemList.Value);
            Assert.Equal("hex", Get(Render(e), "flowrelay.dns.question.encoding"));
        }
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using var writer = new Utf8JsonWriter(buffer);
        DnsDocumentWriter.Write(writer, e);
        writer.Flush();
        writer.Reset();
        buffer.ResetWrittenCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            DnsDocumentWriter.Write(writer, e);
            writer.Flush();
            writer.Reset();
            buffer.ResetWrittenCount();
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

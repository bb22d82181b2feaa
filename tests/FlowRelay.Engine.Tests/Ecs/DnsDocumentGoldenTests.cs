using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Tests.Dns;
using FlowRelay.Protocols.DnsLogs;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Ecs;

/// <summary>
/// The DNS writer's exact bytes, pinned like <see cref="FlowDocumentGoldenTests"/>: DNS events parsed
/// from BIND lines plus 200 seeded random ones that switch every optional field on and off and put
/// quotes, backslashes, control characters, HTML characters and non-ASCII text in every string,
/// written through the writer configurations the relay and its callers use. The golden file was
/// produced by the writer as it was before it was optimised (the Utf8JsonWriter, token-by-token
/// writer), so any change of output, even one a JSON parser would not notice, fails here.
/// To regenerate after an intended change of the document: set FLOWRELAY_WRITE_DNS_GOLDEN to the
/// path of dns-documents.golden.txt in the source tree and run this test, then review the diff.
/// </summary>
public class DnsDocumentGoldenTests
{
    private const string GoldenFileName = "dns-documents.golden.txt";

    [Fact]
    public void Output_is_byte_for_byte_the_pinned_output()
    {
        GoldenFile.AssertMatches(GoldenFileName, RenderAll(), "FLOWRELAY_WRITE_DNS_GOLDEN");
    }

    private static string RenderAll()
    {
        var events = Events();
        var text = new StringBuilder();
        foreach (var (name, options) in FlowDocumentGoldenTests.Configurations)
        {
            for (int i = 0; i < (options.Indented ? 12 : events.Length); i++)
            {
                var buffer = new ArrayBufferWriter<byte>();
                using (var writer = new Utf8JsonWriter(buffer, options)) DnsDocumentWriter.Write(writer, events[i]);
                text.Append(name).Append(' ').Append(i).Append(' ').Append(Encoding.UTF8.GetString(buffer.WrittenSpan).ReplaceLineEndings("\\n")).Append('\n');
            }
        }
        var shared = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(shared, FlowDocumentGoldenTests.Configurations[0].Options))
        {
            for (int i = 0; i < 3; i++) DnsDocumentWriter.Write(writer, events[i]);
        }
        text.Append("shared ").Append(Encoding.UTF8.GetString(shared.WrittenSpan)).Append('\n');
        return text.ToString();
    }

    private static readonly string[] Texts =
    [
        "plain", "www.example.co.uk", "a\"quote", "back\\slash", "tab\there", "new\nline", "<b>&amp;'+`</b>", "café", "日本語",
        "🛰 satellite", "ctl\u0001\u001f\u007f", "", "slash/path", "x".PadRight(100, 'y'), "mixed é \" \\ < 日", "lone\ud800",
    ];

    private static readonly string[] Names =
    [
        "www.example.co.uk", "a.b.c.example.com", "example.com", "com", "deadbeefcafe0123456789abcdef.tunnel.example.net",
        "mfrggzdfmztwq2lknnwg23tpobyxe43uov3ho6dzpj.example.org", "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ.example.org", "xn--bcher-kva.example",
        "", "a", "label-with-dash.example.com", "UPPER.Example.COM",
    ];

    private static readonly string[] Answers = ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "cname.example.net", "v=spf1 -all", "10.0.0.1", "::1", "a\"b"];

    /// <summary>The events of the golden file: BIND lines as the relay parses them, then seeded random ones.</summary>
    internal static DnsEvent[] Events()
    {
        var list = new List<DnsEvent>
        {
            DnsDocumentWriterTests.FromBind("client @0x7f00aa 10.0.0.5#53211 (WWW.Example.CO.UK.): query: WWW.Example.CO.UK. IN A +E(0)K (127.0.0.1)", out _),
            DnsDocumentWriterTests.FromBind("client @0x7f00aa 2001:db8::5#53211 (xn--bcher-kva.example): query: xn--bcher-kva.example IN AAAA -TDC (192.0.2.53)", out _),
            DnsDocumentWriterTests.FromBind("client @0x7f00aa 10.0.0.5#53211 (deadbeefcafe0123456789abcdef.tunnel.example.net): query: deadbeefcafe0123456789abcdef.tunnel.example.net IN TXT +ES (10.0.0.53)", out _),
            new DnsEvent { SuffixStart = -1, RegisteredStart = -1, Query = DnsQueryRecord.Empty() },
        };
        var random = new Random(20261128);
        for (int i = 0; i < 200; i++) list.Add(RandomEvent(random));
        return [.. list];
    }

    private static DnsEvent RandomEvent(Random r)
    {
        var q = DnsQueryRecord.Empty();
        q.Format = (DnsLogFormat)r.Next(8);
        q.QueryName = r.Next(4) == 0 ? Texts[r.Next(Texts.Length)] : Names[r.Next(Names.Length)];
        q.QueryType = (ushort)r.Next(300);
        q.QueryTypeName = r.Next(3) == 0 ? null : r.Next(2) == 0 ? "AAAA" : Texts[r.Next(Texts.Length)];
        q.QueryClassName = r.Next(3) == 0 ? null : r.Next(2) == 0 ? "IN" : Texts[r.Next(Texts.Length)];
        if (r.Next(3) > 0) q.SetResponseCode(r.Next(25));
        if (r.Next(4) == 0) q.ResponseCodeName = Text(r);
        q.ClientIp = Address(r);
        q.ClientPort = (ushort)(r.Next(3) == 0 ? 0 : r.Next(65536));
        q.Server = Address(r);
        q.ServerPort = (ushort)(r.Next(3) == 0 ? 0 : r.Next(65536));
        q.Upstream = Address(r);
        q.View = Text(r);
        q.Uid = Text(r);
        q.Transport = r.Next(5) switch { 0 => "tcp", 1 => "UDP", 2 => Text(r), _ => null };
        q.Serial = r.Next(3) == 0 ? -1 : r.NextInt64(0, uint.MaxValue + 1L);
        q.QueryId = r.Next(3) == 0 ? -1 : r.Next(65536);
        q.Flags = (DnsQueryFlags)r.Next(1 << 13);
        q.DurationNs = r.Next(3) == 0 ? -1 : r.Next(2) == 0 ? r.NextInt64(0, 10_000_000_000) : 0;
        q.ResponseBytes = r.Next(3) == 0 ? -1 : r.Next(0, 65536);
        int answers = r.Next(4) == 0 ? 0 : r.Next(1, 6);
        for (int i = 0; i < answers; i++) q.AddAnswer(r.Next(5) == 0 ? Texts[r.Next(Texts.Length)] : Answers[r.Next(Answers.Length)]);
        if (r.Next(5) == 0) q.AnswersDropped = r.Next(1, 100);
        if (r.Next(6) == 0) (q.ResolvedIps ??= []).Add(Address(r));

        string name = q.QueryName;
        var e = new DnsEvent
        {
            Query = q,
            TimestampNs = Time(r),
            ReceivedNs = Time(r),
            Observer = Address(r),
            ObserverHostname = Text(r),
            AppName = Text(r),
            Input = Text(r),
            NameUnicode = r.Next(4) == 0 ? Texts[r.Next(Texts.Length)] : null,
            ExcludedBy = Text(r),
            SuffixStart = name.Length == 0 || r.Next(4) == 0 ? -1 : r.Next(name.Length + 1),
            RegisteredStart = -1,
        };
        if (e.SuffixStart > 0 && r.Next(4) > 0) e.RegisteredStart = r.Next(e.SuffixStart);
        return e;
    }

    private static IpAddr Address(Random r) => r.Next(4) switch
    {
        0 => default,
        1 => IpAddr.FromV4((uint)r.NextInt64(0, uint.MaxValue + 1L)),
        2 => IpAddr.From(IPAddress.Parse(r.Next(2) == 0 ? "::1" : "2001:db8:0:0:1:0:0:1")),
        _ => IpAddr.FromV6(Bytes(r, 16)),
    };

    private static byte[] Bytes(Random r, int n)
    {
        var b = new byte[n];
        r.NextBytes(b);
        return b;
    }

    private static long Time(Random r) => r.Next(5) switch
    {
        0 => 0,
        1 => -r.NextInt64(1, 3_000_000_000_000_000_000),
        _ => r.NextInt64(1_000_000_000_000_000_000, 2_000_000_000_000_000_000),
    };

    private static string? Text(Random r) => r.Next(3) == 0 ? null : Texts[r.Next(Texts.Length)];
}

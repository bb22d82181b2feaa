using System.Net;
using System.Reflection;
using System.Text;
using FlowRelay.Emit.Cef;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using FlowRelay.Protocols.Flows;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

/// <summary>
/// The CEF formatter's exact bytes, pinned: alerts (every optional part on and off, IPv4, IPv6 and
/// unusual address text, all levels and timespans), threat-index changes and flows (seeded random,
/// with unset addresses, unknown protocols, counters beyond long.MaxValue), under both syslog
/// headers and several facilities, hostnames and times (before 1970 too). The golden file was
/// produced by the formatter before its per-event allocations were removed, so a change of a
/// single byte fails here. To regenerate after an intended change, set FLOWRELAY_WRITE_GOLDEN to
/// the path of cef-lines.golden.txt in the source tree, run this test and review the diff.
/// </summary>
public class CefFormatterGoldenTests
{
    [Fact]
    public void Output_is_byte_for_byte_the_pinned_output()
    {
        string actual = RenderAll();
        if (Environment.GetEnvironmentVariable("FLOWRELAY_WRITE_GOLDEN") is { Length: > 0 } path)
        {
            File.WriteAllText(path, actual, new UTF8Encoding(false));
        }
        string expected = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CefOutput", "cef-lines.golden.txt"), Encoding.UTF8);
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            Assert.True(e[i] == a[i], $"line {i + 1} differs:\nexpected {e[i]}\nactual   {a[i]}");
        }
        Assert.Equal(e.Length, a.Length);
    }

    private static readonly long[] Times = [1_795_000_000_123_000_000, 1_764_300_000_999_999_999, 0, -1_500_000_000_000_000_000, 946_684_799_000_000_000, 1_767_225_600_000_000_000];

    internal static (SyslogHeader Header, int Facility, string Host)[] Formatters =
    [
        (SyslogHeader.Rfc5424, 16, "relay-1"), (SyslogHeader.Rfc3164, 16, "relay-1"), (SyslogHeader.Rfc5424, 0, "my relay host"),
        (SyslogHeader.Rfc3164, 23, ""), (SyslogHeader.Rfc5424, 4, "relais-süd"),
    ];

    private static string RenderAll()
    {
        var text = new StringBuilder();
        foreach (var (header, facility, host) in Formatters)
        {
            // One formatter per configuration, reused for every message as the sinks reuse it.
            var formatter = new CefFormatter(header, facility, host);
            string tag = $"{header}/{facility}/{host}";
            int i = 0;
            foreach (var alert in Alerts()) Line(text, tag, "alert", i++, formatter.Format(alert));
            i = 0;
            foreach (var risk in Risks()) Line(text, tag, "risk", i++, formatter.Format(risk));
            var flows = Flows();
            for (i = 0; i < flows.Length; i++) Line(text, tag, "flow", i, formatter.Format(in flows[i]));
        }
        return text.ToString();
    }

    // The relay's version is in every header; the pinned lines hold a placeholder so a release does not break them.
    private static readonly string Version = "|FlowRelay|FlowRelay|" + typeof(CefFormatter).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0] + "|";

    private static void Line(StringBuilder text, string tag, string kind, int i, ReadOnlyMemory<byte> message) =>
        text.Append(tag).Append(' ').Append(kind).Append(' ').Append(i).Append(' ')
            .Append(Encoding.UTF8.GetString(message.Span).Replace(Version, "|FlowRelay|FlowRelay|{version}|")).Append('\n');

    internal static IEnumerable<Alert> Alerts()
    {
        string[] levels = ["informational", "low", "medium", "high", "critical", "unknown-level"];
        TimeSpan?[] spans = [null, TimeSpan.FromDays(1), TimeSpan.FromHours(24), TimeSpan.FromHours(3), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(90), TimeSpan.FromMilliseconds(1500), TimeSpan.FromDays(1.5)];
        string[] sources = ["10.99.0.1", "2001:db8::7", "::ffff:10.0.0.1", "10.1", "not an address", "fe80::1%2", "2001:0db8:0000::0001"];
        string[] ports = ["443", "-1", "x", "99999", " 80"];
        int n = 0;
        foreach (string level in levels)
        {
            foreach (var span in spans)
            {
                n++;
                var fields = new List<KeyValuePair<string, string>>();
                if (n % 5 != 0) fields.Add(new("source.ip", sources[n % sources.Length]));
                if (n % 3 != 0) fields.Add(new("destination.ip", sources[(n + 3) % sources.Length]));
                if (n % 2 == 0) fields.Add(new("destination.port", ports[n % ports.Length]));
                if (n % 4 == 1) fields.Add(new("note", "a=b \\ c | d\ne\r\nf = g\\=h é 日本 🛰"));
                yield return new Alert
                {
                    Rule = new RuleInfo
                    {
                        Id = n % 6 == 0 ? "id|\\" + n : "r-" + n, Name = n % 3 == 0 ? null : "rule_" + n, Title = n % 7 == 0 ? "Up|load \\ to = x\nnext" : "Large upload " + n,
                        Level = level, File = "rules/x.yml", Tags = n % 2 == 0 ? ["attack.exfiltration", "attack.t1048"] : [],
                    },
                    TimeNs = Times[n % Times.Length],
                    Kind = n % 4 == 0 ? "detection" : "value_sum",
                    Fields = fields,
                    Value = n % 3 == 2 ? null : n * 1234567.891,
                    Condition = n % 2 == 0 ? "gt 1000000000" : null,
                    Threshold = n % 5 == 1 ? null : 1_000_000_000L * n,
                    Timespan = span,
                    EventCount = n * 7,
                    Host = n % 4 == 3 ? "10.0.0." + n : n % 4 == 2 ? "2001:db8::" + n : null,
                    Sample = n % 3 == 1 ? [] : ["1:abc=", "1:def+/="],
                    RiskScore = n % 2 == 1 ? null : n * 1.25,
                };
            }
        }
    }

    internal static IEnumerable<HostRisk> Risks()
    {
        int n = 0;
        foreach (var level in new[] { RiskLevel.Unknown, RiskLevel.Low, RiskLevel.Moderate, RiskLevel.High, RiskLevel.Critical, (RiskLevel)9 })
        {
            foreach (string host in new[] { "10.99.0.1", "2001:db8::7", "nonsense" })
            {
                n++;
                yield return new HostRisk(host, n * 3.14159, level, Times[n % Times.Length], "rule-" + n);
            }
        }
    }

    internal static FlowEvent[] Flows()
    {
        var list = new List<FlowEvent>
        {
            SampleFlows.Enriched("10.99.0.1", "81.2.69.142", 6), SampleFlows.Enriched("fd99::1", "2001:218::1", 17), SampleFlows.Record("10.0.0.1", "10.0.0.2", 1),
            new FlowEvent(),
        };
        var r = new Random(5424);
        byte[] protocols = [6, 17, 1, 58, 47, 50, 132, 0, 89, 255];
        string?[] names = [null, "www.example.co.uk", "a=b\\c|d\ne", "日本.jp", "x".PadRight(1100, 'y')];
        for (int i = 0; i < 60; i++)
        {
            var e = new FlowEvent();
            ref FlowRecord f = ref e.Flow;
            f.Exporter = Address(r);
            f.SourceAddress = Address(r);
            f.DestinationAddress = Address(r);
            f.SourcePort = (ushort)r.Next(65536);
            f.DestinationPort = (ushort)r.Next(65536);
            f.Protocol = protocols[r.Next(protocols.Length)];
            f.Bytes = r.Next(4) == 0 ? ulong.MaxValue : (ulong)r.NextInt64();
            f.ReverseBytes = r.Next(3) == 0 ? 0 : r.Next(4) == 0 ? ulong.MaxValue : (ulong)r.Next();
            f.Packets = r.Next(4) == 0 ? ulong.MaxValue : (ulong)r.Next();
            f.StartNs = r.Next(3) == 0 ? 0 : Times[r.Next(Times.Length)];
            f.EndNs = r.Next(3) == 0 ? 0 : Times[r.Next(Times.Length)];
            f.ReceivedNs = Times[r.Next(Times.Length)];
            e.ApplicationProtocol = r.Next(2) == 0 ? null : r.Next(2) == 0 ? "https" : "a-very-long-application-protocol-name";
            e.DestinationDomain = names[r.Next(names.Length)];
            e.SourceDomain = names[r.Next(names.Length)];
            list.Add(e);
        }
        return [.. list];
    }

    private static IpAddr Address(Random r) => r.Next(4) switch
    {
        0 => default,
        1 => IpAddr.FromV4((uint)r.NextInt64(0, uint.MaxValue + 1L)),
        2 => IpAddr.From(IPAddress.Parse("2001:db8:0:0:1:0:0:1")),
        _ => IpAddr.FromV6([.. BitConverter.GetBytes(r.NextInt64()), .. BitConverter.GetBytes(r.NextInt64())]),
    };
}

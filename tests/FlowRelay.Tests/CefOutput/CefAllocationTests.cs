using System.Net;
using System.Text;
using FlowRelay.Emit.Cef;
using FlowRelay.Emit.Elasticsearch;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

/// <summary>
/// The CEF formatter allocates nothing per message once warm: flows (outputs.cef.all_events),
/// alerts with IPv4 and IPv6 evidence, tags, samples and every figure, and threat-index changes,
/// under both syslog headers. Measured with the thread's allocation counter, not timed.
/// </summary>
public class CefAllocationTests
{
    [Theory]
    [InlineData(SyslogHeader.Rfc5424)]
    [InlineData(SyslogHeader.Rfc3164)]
    public void Formatting_allocates_nothing_per_message(SyslogHeader header)
    {
        var formatter = new CefFormatter(header, 16, "relay-1");
        var rule = new RuleInfo { Id = "r-1", Name = "large_upload", Title = "Large upload", Level = "high", File = "rules/x.yml", Tags = ["attack.exfiltration", "attack.t1048"] };
        Alert[] alerts =
        [
            new()
            {
                Rule = rule, TimeNs = 1_795_000_000_123_000_000, Kind = "value_sum", Host = "10.99.0.1",
                Fields = [new("source.ip", "10.99.0.1"), new("destination.ip", "2001:db8::7"), new("destination.port", "443")],
                Value = 21_000_000, Condition = "gt 20000000", Threshold = 20_000_000, Timespan = TimeSpan.FromMinutes(5), EventCount = 40,
                Sample = ["1:LQU9qZlK+B5F3KDmev6m5PMibrg="], RiskScore = 72.5,
            },
            new()
            {
                Rule = rule, TimeNs = 1_795_000_000_123_000_000, Kind = "threat_index", Host = "fd00::5",
                Fields = [new("source.ip", "fd00::5")], Value = 91, Threshold = 80, EventCount = 3,
            },
            new() { Rule = rule, TimeNs = 1_795_000_000_123_000_000, Kind = "detection", Fields = [new("dns.question.name", "a=b\\c|d é")], EventCount = 1 },
        ];
        HostRisk[] risks = [new("10.99.0.1", 91, RiskLevel.Critical, 1_795_000_000_123_000_000, "r-1"), new("2001:db8::7", 12.5, RiskLevel.Low, 0, "r-2")];
        FlowEvent[] flows =
        [
            SampleFlows.Enriched("10.99.0.1", "81.2.69.142", 6), SampleFlows.Enriched("fd99::1", "2001:218::1", 17), SampleFlows.Record("10.0.0.1", "10.0.0.2", 89),
        ];

        long total = 0;
        for (int i = 0; i < 100; i++) total += FormatAll(formatter, alerts, risks, flows);
        // The least of several rounds: a per-message allocation shows in every round, what the
        // runtime allocates once while it tiers the methods up does not.
        long allocated = Allocations.Least(() =>
        {
            for (int i = 0; i < 1000; i++) total += FormatAll(formatter, alerts, risks, flows);
        });

        Assert.True(total > 0);
        Assert.Equal(0, allocated);
        // And the messages are the ones the formatter is known to write (the golden test pins the bytes).
        Assert.Contains("proto=89", Encoding.UTF8.GetString(formatter.Format(in flows[2]).Span));
        Assert.Contains("c6a2=fd00::5", Encoding.UTF8.GetString(formatter.Format(alerts[1]).Span));
    }

    private static long FormatAll(CefFormatter formatter, Alert[] alerts, HostRisk[] risks, FlowEvent[] flows)
    {
        long bytes = 0;
        foreach (var a in alerts) bytes += formatter.Format(a).Length;
        foreach (var r in risks) bytes += formatter.Format(r).Length;
        for (int i = 0; i < flows.Length; i++) bytes += formatter.Format(in flows[i]).Length;
        return bytes;
    }

    [Fact]
    public void Address_text_is_what_IPAddress_makes_of_it()
    {
        var random = new Random(4291);
        var texts = new List<string>
        {
            "10.1", "010.0.0.1", "1.2.3.4", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "0.0.0.0", " 1.2.3.4",
            "::", "::1", "1::", "::ffff:1.2.3.4", "::ffff:102:304", "::5efe:102:304", "::102:304", "2001:DB8::1", "2001:db8:0:0:0:0:0:1",
            "2001:db8::0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1::2::3", "1:2", ":1::", "1::2:", "12345::", "fe80::1%2", "g::1",
            "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:1.2.3.4", "", "x",
        };
        var bytes = new byte[16];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(bytes);
            for (int g = 0; g < 8; g++)
            {
                if (random.Next(3) == 0) bytes[2 * g] = bytes[2 * g + 1] = 0;
            }
            var address = new IPAddress(i % 3 == 0 ? bytes[..4] : bytes);
            string text = address.ToString();
            texts.Add(text);
            texts.Add(i % 2 == 0 ? text.ToUpperInvariant() : LongForm(address));
        }
        Span<byte> utf8 = stackalloc byte[64];
        foreach (string text in texts)
        {
            if (!AddressText.TryCanonical(text, utf8, out int n, out bool isV4)) continue; // left to IPAddress
            Assert.True(IPAddress.TryParse(text, out var ip), text);
            Assert.Equal(ip.ToString(), Encoding.ASCII.GetString(utf8[..n]));
            Assert.Equal(ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork, isV4);
        }
    }

    private static string LongForm(IPAddress address)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork) return address.ToString();
        var b = address.GetAddressBytes();
        return string.Join(':', Enumerable.Range(0, 8).Select(g => ((b[2 * g] << 8) | b[2 * g + 1]).ToString("x4")));
    }
}

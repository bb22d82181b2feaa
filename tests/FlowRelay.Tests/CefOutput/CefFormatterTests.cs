using System.Text;
using FlowRelay.Emit.Cef;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Risk;
using FlowRelay.Engine.Rules;
using Xunit;

namespace FlowRelay.Tests.CefOutput;

public class CefFormatterTests
{
    private const long Time = 1_795_000_000_123_000_000;

    internal static Alert SampleAlert(string title = "Large upload", string id = "r-1", string level = "high", string? evidenceValue = null) => new()
    {
        Rule = new RuleInfo { Id = id, Name = "large_upload", Title = title, Level = level, File = "rules/x.yml", Tags = ["attack.exfiltration"] },
        TimeNs = Time,
        Kind = "value_sum",
        Fields = [new("source.ip", "10.99.0.1"), new("destination.ip", "2001:db8::7"), new("note", evidenceValue ?? "plain")],
        Value = 1.5e9,
        Condition = "gt 1000000000",
        Threshold = 1_000_000_000,
        Timespan = TimeSpan.FromHours(1),
        EventCount = 12,
        Sample = ["1:abc=", "1:def="],
        RiskScore = 72.5,
    };

    private static string Render(Alert a, SyslogHeader header = SyslogHeader.Rfc5424) =>
        Encoding.UTF8.GetString(new CefFormatter(header, 16, "relay-1").Format(a).Span);

    [Fact]
    public void Reader_agrees_with_the_examples_of_the_CEF_standard()
    {
        var r = CefReader.Parse(@"CEF:0|security|threatmanager|1.0|100|detected a \| in message|10|src=10.0.0.1 act=blocked a | dst=1.1.1.1");
        Assert.Equal("detected a | in message", r.Name);
        Assert.Equal("blocked a |", r.Extension["act"]);
        r = CefReader.Parse(@"CEF:0|security|threatmanager|1.0|100|detected a \\ in packet|10|src=10.0.0.1 act=blocked a \\ dst=1.1.1.1");
        Assert.Equal(@"detected a \ in packet", r.Name);
        Assert.Equal(@"blocked a \", r.Extension["act"]);
        r = CefReader.Parse(@"CEF:0|security|threatmanager|1.0|100|detected a = in message|10|src=10.0.0.1 act=blocked a \= dst=1.1.1.1");
        Assert.Equal("blocked a =", r.Extension["act"]);
        Assert.Equal("1.1.1.1", r.Extension["dst"]);
        r = CefReader.Parse(@"CEF:0|ArcSight|ArcSight|2.4.1|machine:20|New alert|High|msg=Detected a threat.\n No action needed. suser=x");
        Assert.Equal("Detected a threat.\n No action needed.", r.Extension["msg"]);
        Assert.Equal("x", r.Extension["suser"]);
    }

    [Fact]
    public void Header_and_extension_escaping_round_trips_through_a_spec_reader()
    {
        string nasty = "a=b \\ c | d\ne\r\nf = g\\=h é 日本 🛰";
        var a = SampleAlert(title: "Up|load \\ to = x\nnext", id: "id|\\1", evidenceValue: nasty);
        string line = Render(a);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        var r = CefReader.Parse(line);
        Assert.Equal("0", r.Version);
        Assert.Equal("FlowRelay", r.Vendor);
        Assert.Equal("id|\\1", r.SignatureId);
        Assert.Equal("Up|load \\ to = x next", r.Name); // a header cannot hold a line break: it becomes a space
        Assert.Equal("8", r.Severity);
        Assert.Equal("source.ip=10.99.0.1 destination.ip=2001:db8::7 note=" + nasty, r.Extension["cs3"]);
        Assert.Equal("evidence", r.Extension["cs3Label"]);
        Assert.Equal("10.99.0.1", r.Extension["src"]);
        Assert.Equal("2001:db8::7", r.Extension["c6a3"]);
        Assert.Equal("Destination IPv6 Address", r.Extension["c6a3Label"]);
        Assert.Equal("72.5", r.Extension["cfp1"]);
        Assert.Equal("threatIndex", r.Extension["cfp1Label"]);
        Assert.Equal("large_upload", r.Extension["cs1"]);
        Assert.Equal("high", r.Extension["cs2"]);
        Assert.Equal("1:abc=,1:def=", r.Extension["cs4"]);
        Assert.Equal("12", r.Extension["cn1"]);
        Assert.Equal((Time / 1_000_000).ToString(), r.Extension["rt"]);
        Assert.Equal(a.Message.Replace("\r", "\r"), r.Extension["msg"]);
    }

    [Theory]
    [InlineData("informational", 1)]
    [InlineData("low", 3)]
    [InlineData("medium", 5)]
    [InlineData("high", 8)]
    [InlineData("critical", 10)]
    public void Severity_comes_from_the_rule_level(string level, int severity)
    {
        var r = CefReader.Parse(Render(SampleAlert(level: level)));
        Assert.Equal(severity.ToString(), r.Severity);
    }

    [Fact]
    public void Fields_are_cut_to_the_standards_lengths_without_splitting_escapes_or_characters()
    {
        // Name at exactly 512 stays whole; beyond, it is cut to 512 characters, never inside a surrogate pair.
        string exact = new string('x', 511) + "|";
        Assert.Equal(exact, CefReader.Parse(Render(SampleAlert(title: exact))).Name);
        string longer = new string('y', 511) + "🛰" + new string('z', 100);
        var name = CefReader.Parse(Render(SampleAlert(title: longer))).Name;
        Assert.Equal(new string('y', 511), name);
        string id = new string('\\', 2000);
        Assert.Equal(new string('\\', CefWriter.SignatureMax), CefReader.Parse(Render(SampleAlert(id: id))).SignatureId);
        string evidence = new string('=', 5000);
        var cs3 = CefReader.Parse(Render(SampleAlert(evidenceValue: evidence))).Extension["cs3"];
        Assert.Equal(4000, cs3.Length);
        Assert.EndsWith("===", cs3);
    }

    [Fact]
    public void Syslog_headers_follow_RFC_5424_and_RFC_3164()
    {
        string l5424 = Render(SampleAlert(level: "critical"));
        // local0 (16) * 8 + critical (2) = 130
        Assert.StartsWith("<130>1 2026-11-18T11:06:40.123Z relay-1 ", l5424);
        Assert.Contains(" relay-1 flowrelay - CEF - CEF:0|FlowRelay|FlowRelay|", l5424);
        string l3164 = Render(SampleAlert(level: "low"), SyslogHeader.Rfc3164);
        Assert.Matches(@"^<133>[A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d relay-1 flowrelay: CEF:0\|", l3164);
    }

    [Fact]
    public void Threat_index_changes_and_flows_are_CEF_too()
    {
        var f = new CefFormatter(SyslogHeader.Rfc5424, 16, "h");
        var risk = CefReader.Parse(Encoding.UTF8.GetString(f.Format(new HostRisk("10.99.0.1", 91, RiskLevel.Critical, Time, "large_upload")).Span));
        Assert.Equal("10", risk.Severity);
        Assert.Equal("91", risk.Extension["cfp1"]);
        var e = FlowRelay.Emit.Elasticsearch.SampleFlows.Enriched("10.99.0.1", "81.2.69.142", 6);
        var flow = CefReader.Parse(Encoding.UTF8.GetString(f.Format(in e).Span));
        Assert.Equal("10.99.0.1", flow.Extension["src"]);
        Assert.Equal("81.2.69.142", flow.Extension["dst"]);
        Assert.Equal("443", flow.Extension["dpt"]);
        Assert.Equal("TCP", flow.Extension["proto"]);
        Assert.Equal("3000000", flow.Extension["out"]);
    }
}

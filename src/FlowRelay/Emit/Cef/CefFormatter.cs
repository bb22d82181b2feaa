using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using FlowRelay.Engine.Alerts;
using FlowRelay.Engine.Ecs;
using FlowRelay.Engine.Events;
using FlowRelay.Engine.Risk;

namespace FlowRelay.Emit.Cef;

/// <summary>Which syslog header goes in front of the CEF record.</summary>
public enum SyslogHeader
{
    /// <summary><c>&lt;PRI&gt;1 2026-11-28T04:10:46.498Z host flowrelay - CEF - CEF:0|…</c></summary>
    Rfc5424,

    /// <summary><c>&lt;PRI&gt;Nov 28 04:10:46 host flowrelay: CEF:0|…</c> (local time as the RFC says; UTC here).</summary>
    Rfc3164,
}

/// <summary>
/// Alerts, threat-index changes and (optionally) flows as syslog messages carrying CEF.
/// <para>
/// Alerts: Signature ID = the rule id, Name = the rule title, Severity from the rule's Sigma level
/// (informational 1, low 3, medium 5, high 8, critical 10). The rule, the host's threat index and
/// the evidence travel in labelled custom fields: cs1 "rule" (name or id), cs2 "ruleLevel",
/// cs3 "evidence" (the group's field=value pairs), cs4 "sampleCommunityIds", cs5 "ruleTags",
/// cfp1 "threatIndex", cfp2 "value", cn1 "eventCount", cn2 "threshold"; rt is the alert time,
/// src/dst (or c6a2/c6a3 for IPv6) the addresses of the evidence, msg the one-line message.
/// </para>
/// </summary>
public sealed class CefFormatter
{
    private static readonly string Version = typeof(CefFormatter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly CefWriter _cef;
    private readonly SyslogHeader _header;
    private readonly int _facility;

    // The syslog header's constant parts, as ASCII bytes (anything else becomes '?').
    private readonly byte[] _afterTime;

    // Text assembled before escaping (evidence, lists, the message); grows, never shrinks.
    private char[] _text = new char[1024];

    public CefFormatter(SyslogHeader header, int facility, string hostname, string appName = "flowrelay")
    {
        _cef = new CefWriter(_buffer);
        _header = header;
        _facility = facility;
        string host = string.IsNullOrWhiteSpace(hostname) ? "-" : hostname.Replace(' ', '_');
        _afterTime = System.Text.Encoding.ASCII.GetBytes(header == SyslogHeader.Rfc5424 ? $" {host} {appName} - CEF - " : $" {host} {appName}: ");
    }

    public const string Vendor = "FlowRelay";
    public const string Product = "FlowRelay";

    /// <summary>CEF severity (0-10) of a Sigma level.</summary>
    public static int SeverityOf(string level) => level switch
    {
        "informational" => 1,
        "low" => 3,
        "medium" => 5,
        "high" => 8,
        "critical" => 10,
        _ => 5,
    };

    /// <summary>Syslog severity for a CEF severity: 9-10 critical, 7-8 error, 4-6 warning, 1-3 notice, 0 informational.</summary>
    public static int SyslogSeverityOf(int cefSeverity) => cefSeverity switch
    {
        >= 9 => 2,
        >= 7 => 3,
        >= 4 => 4,
        >= 1 => 5,
        _ => 6,
    };

    /// <summary>The syslog message of an alert; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(Alert a)
    {
        var r = a.Rule;
        int severity = SeverityOf(r.Level);
        Begin(severity, a.TimeNs);
        _cef.Header(Vendor, Product, Version, r.Id, r.Title, severity);
        _cef.Extension("rt"u8, a.TimeNs / 1_000_000);
        _cef.Extension("cat"u8, a.Kind, 1023);
        string? src = Field(a, "source.ip") ?? a.Host, dst = Field(a, "destination.ip");
        // No string is built per alert: joined lists and the message are assembled in _text.
        Address("src"u8, "c6a2"u8, "c6a2Label"u8, "Source IPv6 Address", src);
        Address("dst"u8, "c6a3"u8, "c6a3Label"u8, "Destination IPv6 Address", dst);
        if (Field(a, "destination.port") is { } dpt && int.TryParse(dpt, NumberStyles.None, CultureInfo.InvariantCulture, out int port)) _cef.Extension("dpt"u8, port);
        _cef.Extension("cs1Label"u8, "rule");
        _cef.Extension("cs1"u8, r.Name ?? r.Id, 4000);
        _cef.Extension("cs2Label"u8, "ruleLevel");
        _cef.Extension("cs2"u8, r.Level, 4000);
        if (a.Fields.Count > 0)
        {
            _cef.Extension("cs3Label"u8, "evidence");
            _cef.ExtensionText("cs3"u8, Evidence(a.Fields), 4000);
        }
        if (a.Sample.Count > 0)
        {
            _cef.Extension("cs4Label"u8, a.SampleKind == "dns_question" ? "sampleDnsQuestions" : "sampleCommunityIds");
            _cef.ExtensionText("cs4"u8, Joined(a.Sample), 4000);
        }
        if (r.Tags.Count > 0)
        {
            _cef.Extension("cs5Label"u8, "ruleTags");
            _cef.ExtensionText("cs5"u8, Joined(r.Tags), 4000);
        }
        if (a.RiskScore is { } risk)
        {
            _cef.Extension("cfp1Label"u8, "threatIndex");
            _cef.Extension("cfp1"u8, risk);
        }
        if (a.Value is { } v)
        {
            _cef.Extension("cfp2Label"u8, "value");
            _cef.Extension("cfp2"u8, v);
        }
        _cef.Extension("cn1Label"u8, "eventCount");
        _cef.Extension("cn1"u8, a.EventCount);
        if (a.Threshold is { } t)
        {
            _cef.Extension("cn2Label"u8, "threshold");
            _cef.Extension("cn2"u8, t);
        }
        int written;
        while (!a.TryFormatMessage(_text, out written)) _text = new char[_text.Length * 2];
        _cef.ExtensionText("msg"u8, _text.AsSpan(0, written), 1023);
        return _buffer.WrittenMemory;
    }

    /// <summary>The syslog message of a host's new threat index; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(HostRisk risk)
    {
        int severity = risk.Level switch { RiskLevel.Critical => 10, RiskLevel.High => 8, RiskLevel.Moderate => 5, RiskLevel.Low => 3, _ => 1 };
        Begin(severity, risk.TimeNs);
        _cef.Header(Vendor, Product, Version, "threat-index", "Host threat index changed", severity);
        _cef.Extension("rt"u8, risk.TimeNs / 1_000_000);
        _cef.Extension("cat"u8, "threat_index");
        Address("src"u8, "c6a2"u8, "c6a2Label"u8, "Source IPv6 Address", risk.Host);
        _cef.Extension("cs1Label"u8, "rule");
        _cef.Extension("cs1"u8, risk.RuleId, 4000);
        _cef.Extension("cs2Label"u8, "riskLevel");
        _cef.Extension("cs2"u8, LevelName(risk.Level), 4000);
        _cef.Extension("cfp1Label"u8, "threatIndex");
        _cef.Extension("cfp1"u8, risk.Score);
        return _buffer.WrittenMemory;
    }

    /// <summary>The syslog message of a flow (when all events are sent as CEF); valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(in FlowEvent e)
    {
        ref readonly var f = ref e.Flow;
        long time = f.EndNs != 0 ? f.EndNs : f.ReceivedNs;
        Begin(1, time);
        _cef.Header(Vendor, Product, Version, "flow", "Network flow", 1);
        _cef.Extension("rt"u8, time / 1_000_000);
        if (f.StartNs != 0) _cef.Extension("start"u8, f.StartNs / 1_000_000);
        if (f.EndNs != 0) _cef.Extension("end"u8, f.EndNs / 1_000_000);
        Span<byte> ip = stackalloc byte[64];
        FlowAddress("src"u8, "c6a2"u8, f.SourceAddress, ip);
        FlowAddress("dst"u8, "c6a3"u8, f.DestinationAddress, ip);
        if (!f.SourceAddress.IsV4) _cef.Extension("c6a2Label"u8, "Source IPv6 Address");
        if (!f.DestinationAddress.IsV4) _cef.Extension("c6a3Label"u8, "Destination IPv6 Address");
        _cef.Extension("spt"u8, f.SourcePort);
        _cef.Extension("dpt"u8, f.DestinationPort);
        if (ProtocolName(f.Protocol) is { } proto) _cef.Extension("proto"u8, proto);
        else _cef.Extension("proto"u8, (long)f.Protocol);
        _cef.Extension("out"u8, (long)Math.Min(f.Bytes, long.MaxValue));
        if (f.ReverseBytes != 0) _cef.Extension("in"u8, (long)Math.Min(f.ReverseBytes, long.MaxValue));
        _cef.Extension("cn1Label"u8, "packets");
        _cef.Extension("cn1"u8, (long)Math.Min(f.Packets, long.MaxValue));
        FlowAddress("dvc"u8, "c6a1"u8, f.Exporter, ip);
        if (e.ApplicationProtocol is { } app) _cef.Extension("app"u8, app, 31);
        if (e.DestinationDomain is { } dhost) _cef.Extension("dhost"u8, dhost, 1023);
        if (e.SourceDomain is { } shost) _cef.Extension("shost"u8, shost, 1023);
        return _buffer.WrittenMemory;
    }

    /// <summary>The protocol's name, or null for one written as its number.</summary>
    private static string? ProtocolName(byte p) => p switch { 6 => "TCP", 17 => "UDP", 1 => "ICMP", 58 => "ICMPv6", 47 => "GRE", 50 => "ESP", 132 => "SCTP", _ => null };

    private static string LevelName(RiskLevel level) => level switch
    {
        RiskLevel.Unknown => nameof(RiskLevel.Unknown),
        RiskLevel.Low => nameof(RiskLevel.Low),
        RiskLevel.Moderate => nameof(RiskLevel.Moderate),
        RiskLevel.High => nameof(RiskLevel.High),
        RiskLevel.Critical => nameof(RiskLevel.Critical),
        _ => level.ToString(),
    };

    /// <summary>"key=value key=value" of the alert's fields, in _text.</summary>
    private ReadOnlySpan<char> Evidence(IReadOnlyList<KeyValuePair<string, string>> fields)
    {
        int length = 2 * fields.Count; // "=" and " " per field
        for (int i = 0; i < fields.Count; i++) length += (fields[i].Key?.Length ?? 0) + (fields[i].Value?.Length ?? 0);
        var text = Text(length);
        int o = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) text[o++] = ' ';
            fields[i].Key.AsSpan().CopyTo(text[o..]);
            o += fields[i].Key?.Length ?? 0;
            text[o++] = '=';
            fields[i].Value.AsSpan().CopyTo(text[o..]);
            o += fields[i].Value?.Length ?? 0;
        }
        return text[..o];
    }

    /// <summary>The items joined by commas, in _text.</summary>
    private ReadOnlySpan<char> Joined(IReadOnlyList<string> items)
    {
        int length = items.Count;
        for (int i = 0; i < items.Count; i++) length += items[i]?.Length ?? 0;
        var text = Text(length);
        int o = 0;
        for (int i = 0; i < items.Count; i++)
        {
            if (i > 0) text[o++] = ',';
            items[i].AsSpan().CopyTo(text[o..]);
            o += items[i]?.Length ?? 0;
        }
        return text[..o];
    }

    private Span<char> Text(int length)
    {
        if (_text.Length < length) _text = new char[Math.Max(length, _text.Length * 2)];
        return _text;
    }

    private void FlowAddress(ReadOnlySpan<byte> v4Key, ReadOnlySpan<byte> v6Key, FlowRelay.Protocols.Flows.IpAddr address, Span<byte> scratch)
    {
        if (!address.IsSet || !address.TryFormat(scratch, out int n)) return;
        _cef.ExtensionRaw(address.IsV4 ? v4Key : v6Key, scratch[..n]);
    }

    private void Address(ReadOnlySpan<byte> v4Key, ReadOnlySpan<byte> v6Key, ReadOnlySpan<byte> labelKey, string label, string? text)
    {
        if (text is null) return;
        // The usual forms are parsed and written here without allocating; IPAddress takes the rest.
        Span<byte> formatted = stackalloc byte[64];
        if (AddressText.TryCanonical(text, formatted, out int n, out bool isV4))
        {
            _cef.ExtensionRaw(isV4 ? v4Key : v6Key, formatted[..n]);
            if (!isV4) _cef.Extension(labelKey, label);
            return;
        }
        if (!IPAddress.TryParse(text, out var ip)) return;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            _cef.Extension(v4Key, ip.ToString());
            return;
        }
        _cef.Extension(v6Key, ip.ToString());
        _cef.Extension(labelKey, label);
    }

    private static string? Field(Alert a, string name)
    {
        var fields = a.Fields;
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i].Key == name) return fields[i].Value;
        }
        return null;
    }

    /// <summary>Starts a message: the syslog header for the given CEF severity and time.</summary>
    private void Begin(int cefSeverity, long unixNs)
    {
        _buffer.ResetWrittenCount();
        int pri = _facility * 8 + SyslogSeverityOf(cefSeverity);
        var span = _buffer.GetSpan(64 + _afterTime.Length);
        span[0] = (byte)'<';
        pri.TryFormat(span[1..], out int o, default, CultureInfo.InvariantCulture);
        o++;
        span[o++] = (byte)'>';
        if (_header == SyslogHeader.Rfc5424)
        {
            span[o++] = (byte)'1';
            span[o++] = (byte)' ';
            o += Iso8601.Format(unixNs, span[o..]);
        }
        else
        {
            // "Mmm dd hh:mm:ss", the day padded with a space.
            var t = DateTime.UnixEpoch.AddTicks(unixNs / 100);
            System.Text.Encoding.ASCII.GetBytes(Months[t.Month - 1], span[o..]);
            o += 3;
            span[o++] = (byte)' ';
            if (t.Day < 10) span[o++] = (byte)' ';
            t.Day.TryFormat(span[o..], out int n, default, CultureInfo.InvariantCulture);
            o += n;
            span[o++] = (byte)' ';
            t.TryFormat(span[o..], out n, "HH:mm:ss", CultureInfo.InvariantCulture);
            o += n;
        }
        _afterTime.CopyTo(span[o..]);
        _buffer.Advance(o + _afterTime.Length);
    }
}

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

    // The CEF header's constant parts, escaped once: up to the signature id, and the whole header of flows and threat-index changes.
    private static readonly byte[] HeaderStart = HeaderBytes(w =>
    {
        w.Raw("CEF:0|"u8);
        w.HeaderField(Vendor, CefWriter.VendorMax);
        w.HeaderField(Product, CefWriter.ProductMax);
        w.HeaderField(Version, CefWriter.VersionMax);
    });
    private static readonly byte[] FlowHeader = HeaderBytes(w =>
    {
        w.Raw(HeaderStart);
        w.HeaderField("flow", CefWriter.SignatureMax);
        w.HeaderField("Network flow", CefWriter.NameMax);
        w.Severity(1);
    });
    private static readonly byte[] RiskHeader = HeaderBytes(w =>
    {
        w.Raw(HeaderStart);
        w.HeaderField("threat-index", CefWriter.SignatureMax);
        w.HeaderField("Host threat index changed", CefWriter.NameMax);
    });

    private readonly CefWriter _cef = new(4096);
    private readonly SyslogHeader _header;

    // "<PRI>" (and "1 " for RFC 5424) for each syslog severity 0-7, as ASCII bytes.
    private readonly byte[][] _pri = new byte[8][];

    // What follows the time: the syslog header's constant parts as ASCII bytes (anything else becomes
    // '?'), then the CEF header as far as it is constant for alerts, flows and threat-index changes.
    private readonly byte[] _alertAfterTime, _flowAfterTime, _riskAfterTime;

    // The time text of the last second written ("yyyy-MM-ddTHH:mm:ss.000Z" or "Mmm dd hh:mm:ss"); -1 for none.
    private readonly byte[] _time = new byte[Iso8601.Length];
    private int _timeLength;
    private long _timeSecond = -1;

    // Text assembled before escaping (evidence, lists, the message); grows, never shrinks.
    private char[] _text = new char[1024];

    public CefFormatter(SyslogHeader header, int facility, string hostname, string appName = "flowrelay")
    {
        _header = header;
        for (int severity = 0; severity < _pri.Length; severity++)
        {
            _pri[severity] = System.Text.Encoding.ASCII.GetBytes($"<{(facility * 8 + severity).ToString(CultureInfo.InvariantCulture)}>{(header == SyslogHeader.Rfc5424 ? "1 " : "")}");
        }
        string host = string.IsNullOrWhiteSpace(hostname) ? "-" : hostname.Replace(' ', '_');
        byte[] afterTime = System.Text.Encoding.ASCII.GetBytes(header == SyslogHeader.Rfc5424 ? $" {host} {appName} - CEF - " : $" {host} {appName}: ");
        _alertAfterTime = [.. afterTime, .. HeaderStart];
        _flowAfterTime = [.. afterTime, .. FlowHeader, .. "rt="u8];
        _riskAfterTime = [.. afterTime, .. RiskHeader];
    }

    private static byte[] HeaderBytes(Action<CefWriter> write)
    {
        var w = new CefWriter(256);
        write(w);
        return w.WrittenSpan.ToArray();
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
        Begin(severity, a.TimeNs, _alertAfterTime);
        _cef.HeaderField(r.Id, CefWriter.SignatureMax);
        _cef.HeaderField(r.Title, CefWriter.NameMax);
        _cef.Severity(severity);
        _cef.Extension("rt="u8, a.TimeNs / 1_000_000);
        _cef.Extension(" cat="u8, a.Kind, 1023);
        string? src = Field(a, "source.ip") ?? a.Host, dst = Field(a, "destination.ip");
        // No string is built per alert: joined lists and the message are assembled in _text.
        Address(" src="u8, " c6a2="u8, " c6a2Label=Source IPv6 Address"u8, src);
        Address(" dst="u8, " c6a3="u8, " c6a3Label=Destination IPv6 Address"u8, dst);
        if (Field(a, "destination.port") is { } dpt && int.TryParse(dpt, NumberStyles.None, CultureInfo.InvariantCulture, out int port)) _cef.Extension(" dpt="u8, port);
        _cef.Raw(" cs1Label=rule"u8);
        _cef.Extension(" cs1="u8, r.Name ?? r.Id, 4000);
        _cef.Raw(" cs2Label=ruleLevel"u8);
        _cef.Extension(" cs2="u8, r.Level, 4000);
        if (a.Fields.Count > 0)
        {
            _cef.Raw(" cs3Label=evidence"u8);
            _cef.ExtensionText(" cs3="u8, Evidence(a.Fields), 4000);
        }
        if (a.Sample.Count > 0)
        {
            _cef.Raw(a.SampleKind == "dns_question" ? " cs4Label=sampleDnsQuestions"u8 : " cs4Label=sampleCommunityIds"u8);
            _cef.ExtensionText(" cs4="u8, Joined(a.Sample), 4000);
        }
        if (r.Tags.Count > 0)
        {
            _cef.Raw(" cs5Label=ruleTags"u8);
            _cef.ExtensionText(" cs5="u8, Joined(r.Tags), 4000);
        }
        if (a.RiskScore is { } risk)
        {
            _cef.Raw(" cfp1Label=threatIndex"u8);
            _cef.Extension(" cfp1="u8, risk);
        }
        if (a.Value is { } v)
        {
            _cef.Raw(" cfp2Label=value"u8);
            _cef.Extension(" cfp2="u8, v);
        }
        _cef.Raw(" cn1Label=eventCount"u8);
        _cef.Extension(" cn1="u8, a.EventCount);
        if (a.Threshold is { } t)
        {
            _cef.Raw(" cn2Label=threshold"u8);
            _cef.Extension(" cn2="u8, t);
        }
        int written;
        while (!a.TryFormatMessage(_text, out written)) _text = new char[_text.Length * 2];
        _cef.ExtensionText(" msg="u8, _text.AsSpan(0, written), 1023);
        return _cef.WrittenMemory;
    }

    /// <summary>The syslog message of a host's new threat index; valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(HostRisk risk)
    {
        int severity = risk.Level switch { RiskLevel.Critical => 10, RiskLevel.High => 8, RiskLevel.Moderate => 5, RiskLevel.Low => 3, _ => 1 };
        // The header up to the severity comes with _riskAfterTime.
        Begin(severity, risk.TimeNs, _riskAfterTime);
        _cef.Severity(severity);
        _cef.Extension("rt="u8, risk.TimeNs / 1_000_000);
        _cef.Raw(" cat=threat_index"u8);
        Address(" src="u8, " c6a2="u8, " c6a2Label=Source IPv6 Address"u8, risk.Host);
        _cef.Raw(" cs1Label=rule"u8);
        _cef.Extension(" cs1="u8, risk.RuleId, 4000);
        _cef.Raw(" cs2Label=riskLevel"u8);
        var level = LevelName(risk.Level);
        if (!level.IsEmpty) _cef.Raw(level);
        else _cef.Extension(" cs2="u8, (long)risk.Level); // an undefined level, as its ToString() writes it
        _cef.Raw(" cfp1Label=threatIndex"u8);
        _cef.Extension(" cfp1="u8, risk.Score);
        return _cef.WrittenMemory;
    }

    /// <summary>The syslog message of a flow (when all events are sent as CEF); valid until the next call.</summary>
    public ReadOnlyMemory<byte> Format(in FlowEvent e)
    {
        ref readonly var f = ref e.Flow;
        long time = f.EndNs != 0 ? f.EndNs : f.ReceivedNs;
        // Severity 1: the whole CEF header and "rt=" come with _flowAfterTime.
        Begin(1, time, _flowAfterTime);
        _cef.Extension(""u8, time / 1_000_000);
        if (f.StartNs != 0) _cef.Extension(" start="u8, f.StartNs / 1_000_000);
        if (f.EndNs != 0) _cef.Extension(" end="u8, f.EndNs / 1_000_000);
        FlowAddress(" src="u8, " c6a2="u8, f.SourceAddress);
        FlowAddress(" dst="u8, " c6a3="u8, f.DestinationAddress);
        if (!f.SourceAddress.IsV4) _cef.Raw(" c6a2Label=Source IPv6 Address"u8);
        if (!f.DestinationAddress.IsV4) _cef.Raw(" c6a3Label=Destination IPv6 Address"u8);
        _cef.Extension(" spt="u8, f.SourcePort);
        _cef.Extension(" dpt="u8, f.DestinationPort);
        var proto = ProtocolName(f.Protocol);
        if (!proto.IsEmpty) _cef.Raw(proto);
        else _cef.Extension(" proto="u8, f.Protocol);
        _cef.Extension(" out="u8, (long)Math.Min(f.Bytes, long.MaxValue));
        if (f.ReverseBytes != 0) _cef.Extension(" in="u8, (long)Math.Min(f.ReverseBytes, long.MaxValue));
        _cef.Extension(" cn1Label=packets cn1="u8, (long)Math.Min(f.Packets, long.MaxValue));
        FlowAddress(" dvc="u8, " c6a1="u8, f.Exporter);
        if (e.ApplicationProtocol is { } app) _cef.Extension(" app="u8, app, 31);
        if (e.DestinationDomain is { } dhost) _cef.Extension(" dhost="u8, dhost, 1023);
        if (e.SourceDomain is { } shost) _cef.Extension(" shost="u8, shost, 1023);
        return _cef.WrittenMemory;
    }

    /// <summary>" proto=" and the protocol's name, or empty for one written as its number.</summary>
    private static ReadOnlySpan<byte> ProtocolName(byte p) => p switch
    {
        6 => " proto=TCP"u8,
        17 => " proto=UDP"u8,
        1 => " proto=ICMP"u8,
        58 => " proto=ICMPv6"u8,
        47 => " proto=GRE"u8,
        50 => " proto=ESP"u8,
        132 => " proto=SCTP"u8,
        _ => default,
    };

    /// <summary>" cs2=" and the level's name, or empty for a value the enum does not name.</summary>
    private static ReadOnlySpan<byte> LevelName(RiskLevel level) => level switch
    {
        RiskLevel.Unknown => " cs2=Unknown"u8,
        RiskLevel.Low => " cs2=Low"u8,
        RiskLevel.Moderate => " cs2=Moderate"u8,
        RiskLevel.High => " cs2=High"u8,
        RiskLevel.Critical => " cs2=Critical"u8,
        _ => default,
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

    /// <summary>The address (skipped when unset) straight into the record, under the key of its family.</summary>
    private void FlowAddress(ReadOnlySpan<byte> v4Key, ReadOnlySpan<byte> v6Key, FlowRelay.Protocols.Flows.IpAddr address)
    {
        if (!address.IsSet) return;
        var key = address.IsV4 ? v4Key : v6Key;
        var span = _cef.GetSpan(key.Length + 64);
        if (!address.TryFormat(span[key.Length..], out int n)) return;
        key.CopyTo(span);
        _cef.Advance(key.Length + n);
    }

    private void Address(ReadOnlySpan<byte> v4Key, ReadOnlySpan<byte> v6Key, ReadOnlySpan<byte> label, string? text)
    {
        if (text is null) return;
        // The usual forms are parsed and written here without allocating; IPAddress takes the rest.
        Span<byte> formatted = stackalloc byte[64];
        if (AddressText.TryCanonical(text, formatted, out int n, out bool isV4))
        {
            _cef.ExtensionRaw(isV4 ? v4Key : v6Key, formatted[..n]);
            if (!isV4) _cef.Raw(label);
            return;
        }
        if (!IPAddress.TryParse(text, out var ip)) return;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            _cef.Extension(v4Key, ip.ToString());
            return;
        }
        _cef.Extension(v6Key, ip.ToString());
        _cef.Raw(label);
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

    /// <summary>
    /// Starts a message: the syslog header for the given CEF severity and time, then
    /// <paramref name="afterTime"/>. The time's text is kept for the second it shows, so the
    /// messages of one second format it once.
    /// </summary>
    private void Begin(int cefSeverity, long unixNs, byte[] afterTime)
    {
        _cef.Reset();
        _cef.Raw(_pri[SyslogSeverityOf(cefSeverity)]);
        var span = _cef.GetSpan(64 + afterTime.Length);
        int o;
        if (unixNs < 0)
        {
            o = TimeText(unixNs, span); // before 1970: rare, not kept
        }
        else
        {
            long second = unixNs / 1_000_000_000;
            if (second != _timeSecond)
            {
                _timeLength = TimeText(unixNs, _time);
                _timeSecond = second;
            }
            _time.AsSpan(0, _timeLength).CopyTo(span);
            o = _timeLength;
            if (_header == SyslogHeader.Rfc5424)
            {
                // "yyyy-MM-ddTHH:mm:ss.fffZ": the milliseconds are this message's.
                int milli = (int)(unixNs / 1_000_000 % 1000);
                span[20] = (byte)('0' + milli / 100);
                span[21] = (byte)('0' + milli / 10 % 10);
                span[22] = (byte)('0' + milli % 10);
            }
        }
        afterTime.CopyTo(span[o..]);
        _cef.Advance(o + afterTime.Length);
    }

    /// <summary>The time as the syslog header writes it; returns the bytes written.</summary>
    private int TimeText(long unixNs, Span<byte> span)
    {
        if (_header == SyslogHeader.Rfc5424) return Iso8601.Format(unixNs, span);
        // "Mmm dd hh:mm:ss", the day padded with a space.
        var t = DateTime.UnixEpoch.AddTicks(unixNs / 100);
        int o = System.Text.Encoding.ASCII.GetBytes(Months[t.Month - 1], span);
        span[o++] = (byte)' ';
        if (t.Day < 10) span[o++] = (byte)' ';
        t.Day.TryFormat(span[o..], out int n, default, CultureInfo.InvariantCulture);
        o += n;
        span[o++] = (byte)' ';
        t.TryFormat(span[o..], out n, "HH:mm:ss", CultureInfo.InvariantCulture);
        return o + n;
    }
}

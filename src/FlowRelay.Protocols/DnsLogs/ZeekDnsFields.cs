using System.Text;
using FlowRelay.Protocols.Syslog;

namespace FlowRelay.Protocols.DnsLogs;

/// <summary>Applies one Zeek dns.log field (DNS::Info, base/protocols/dns/main.zeek) to a record; shared by the JSON and TSV readers.</summary>
internal static class ZeekDnsFields
{
    internal static void Apply(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, ref DnsQueryRecord r)
    {
        switch (name.Length)
        {
            case 2 when name.SequenceEqual("ts"u8): ApplyTime(value, ref r); break;
            case 3 when name.SequenceEqual("uid"u8): r.Uid = DnsText.Ascii(value); break;
            case 9 when name.SequenceEqual("id.orig_h"u8): DnsText.TryParseIp(value, out r.ClientIp); break;
            case 9 when name.SequenceEqual("id.orig_p"u8): r.ClientPort = Port(value); break;
            case 9 when name.SequenceEqual("id.resp_h"u8): DnsText.TryParseIp(value, out r.Server); break;
            case 9 when name.SequenceEqual("id.resp_p"u8): r.ServerPort = Port(value); break;
            case 5 when name.SequenceEqual("proto"u8): r.Transport = DnsNames.Is(value, "udp") ? "udp" : DnsNames.Is(value, "tcp") ? "tcp" : DnsText.Ascii(value); break;
            case 8 when name.SequenceEqual("trans_id"u8):
                if (DnsText.TryParseUInt(value, out long id) && id <= 65535) r.QueryId = (int)id;
                break;
            case 3 when name.SequenceEqual("rtt"u8):
                if (DnsText.TryParseSeconds(value, out long rtt)) r.DurationNs = rtt;
                break;
            case 5 when name.SequenceEqual("query"u8): r.QueryName = DnsText.NormaliseName(value); break;
            case 6 when name.SequenceEqual("qclass"u8):
                if (DnsText.TryParseUInt(value, out long qc) && qc is > 0 and <= 65535)
                {
                    r.QueryClass = (ushort)qc;
                    r.QueryClassName = DnsNames.ClassName(r.QueryClass);
                }
                break;
            case 5 when name.SequenceEqual("qtype"u8):
                if (DnsText.TryParseUInt(value, out long qt) && qt is > 0 and <= 65535)
                {
                    r.QueryType = (ushort)qt;
                    r.QueryTypeName ??= DnsNames.TypeName(r.QueryType);
                }
                break;
            case 10 when name.SequenceEqual("qtype_name"u8):
                r.QueryTypeName = DnsNames.TypeNameOf(value, out ushort n);
                if (r.QueryType == 0) r.QueryType = n;
                break;
            case 5 when name.SequenceEqual("rcode"u8):
                if (DnsText.TryParseUInt(value, out long rc) && rc <= 4095) r.SetResponseCode((int)rc);
                break;
            case 2 when name.SequenceEqual("AA"u8): Flag(value, DnsQueryFlags.Authoritative, ref r); break;
            case 2 when name.SequenceEqual("TC"u8): Flag(value, DnsQueryFlags.Truncated, ref r); break;
            case 2 when name.SequenceEqual("RD"u8): Flag(value, DnsQueryFlags.RecursionDesired, ref r); break;
            case 2 when name.SequenceEqual("RA"u8): Flag(value, DnsQueryFlags.RecursionAvailable, ref r); break;
        }
    }

    // ts is epoch seconds by default, ISO 8601 with JSON::TS_ISO8601 / LogAscii::json_timestamps.
    private static void ApplyTime(ReadOnlySpan<byte> v, ref DnsQueryRecord r)
    {
        if (DnsText.TryParseSeconds(v, out long ns))
        {
            r.TimestampUnixNs = ns;
            r.TimestampHasZone = true;
        }
        else if (SyslogTime.TryParseRfc3339(v, 0, out ns, out var kind, out _))
        {
            r.TimestampUnixNs = ns;
            r.TimestampHasZone = kind == SyslogTimeKind.Zoned;
        }
    }

    private static ushort Port(ReadOnlySpan<byte> v) => DnsText.TryParseUInt(v, out long p) && p <= 65535 ? (ushort)p : (ushort)0;

    private static void Flag(ReadOnlySpan<byte> v, DnsQueryFlags flag, ref DnsQueryRecord r)
    {
        // JSON true/false, TSV T/F.
        if (v.SequenceEqual("true"u8) || v.SequenceEqual("T"u8)) r.Flags |= flag;
    }

    internal static string Unescape(ReadOnlySpan<byte> v) => Encoding.UTF8.GetString(v);
}

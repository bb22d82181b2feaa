using System.Net;
using FlowRelay.Engine.Enrich;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Tests.Enrich;

/// <summary>Builds flow events for enrichment tests.</summary>
internal static class Flows
{
    public const long T0 = 1_764_300_000_000_000_000;
    public static readonly IpAddr Exporter = Ip("192.0.2.1");

    public static IpAddr Ip(string text) => IpAddr.From(IPAddress.Parse(text));

    public static FlowEvent Event(string src, string dst, ushort sport = 40000, ushort dport = 443, byte proto = 6,
        byte? flags = 0x1B, long startNs = T0, long endNs = T0 + 1_000_000_000, ulong bytes = 1000, ulong packets = 10,
        ulong? reverseBytes = null, IpAddr? exporter = null)
    {
        var e = new FlowEvent();
        ref FlowRecord f = ref e.Flow;
        f.Exporter = exporter ?? Exporter;
        f.Version = 10;
        f.SourceAddress = Ip(src);
        f.DestinationAddress = Ip(dst);
        f.SourcePort = sport;
        f.DestinationPort = dport;
        f.Protocol = proto;
        f.Bytes = f.RawBytes = bytes;
        f.Packets = f.RawPackets = packets;
        f.SamplingRate = 1;
        f.StartNs = startNs;
        f.EndNs = endNs;
        f.ReceivedNs = endNs + 1_000_000;
        f.Present = FlowFields.SourceAddress | FlowFields.DestinationAddress | FlowFields.Ports | FlowFields.Protocol |
                    FlowFields.Bytes | FlowFields.Packets | FlowFields.Start | FlowFields.End;
        if (flags is byte fl)
        {
            f.TcpFlags = fl;
            f.Present |= FlowFields.TcpFlags;
        }
        if (reverseBytes is ulong rb)
        {
            f.ReverseBytes = rb;
            f.ReversePackets = rb / 100;
            f.Present |= FlowFields.ReverseCounters;
        }
        return e;
    }

    /// <summary>The reverse of <paramref name="e"/>: same exporter, swapped tuple.</summary>
    public static FlowEvent Reverse(in FlowEvent e, long startNs, byte? flags = 0x1B, ulong bytes = 5000)
    {
        ref readonly FlowRecord f = ref e.Flow;
        return Event(f.DestinationAddress.ToString(), f.SourceAddress.ToString(), f.DestinationPort, f.SourcePort, f.Protocol,
            flags, startNs, f.EndNs, bytes, bytes / 100, exporter: f.Exporter);
    }

    public static NetworkEnricher DefaultNetworks(Dictionary<string, List<string>>? extra = null, Dictionary<string, List<string>>? sites = null) =>
        new(extra ?? new Dictionary<string, List<string>>(), sites);
}

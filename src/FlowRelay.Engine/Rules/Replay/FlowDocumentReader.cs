using System.Globalization;
using System.Net;
using System.Text.Json;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;
using static FlowRelay.Engine.Rules.Replay.EcsDocument;

namespace FlowRelay.Engine.Rules.Replay;

/// <summary>
/// Reads ECS flow documents (the relay's own <c>flows-*.ndjson</c>, or any ECS network events)
/// back into <see cref="FlowEvent"/>s, so saved traffic can be replayed through rules
/// (<c>flowrelay rules test</c>). Reads the fields rules can name; others are ignored.
/// A tool path: allocates freely.
/// </summary>
public static class FlowDocumentReader
{
    /// <summary>Parses one document; false (with the reason) when it is not a usable flow.</summary>
    public static bool TryRead(string json, out FlowEvent e, out string? error)
    {
        e = default;
        error = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            error = "not JSON: " + ex.Message;
            return false;
        }
        using (doc) return TryRead(doc.RootElement, out e, out error);
    }

    /// <summary>Reads one parsed document; false (with the reason) when it is not a usable flow.</summary>
    public static bool TryRead(JsonElement root, out FlowEvent e, out string? error)
    {
        e = default;
        error = null;
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "not a JSON object";
                return false;
            }
            ref var f = ref e.Flow;
            if (Ip(root, "source.ip") is { } s)
            {
                f.SourceAddress = s;
                f.Present |= FlowFields.SourceAddress;
            }
            if (Ip(root, "destination.ip") is { } d)
            {
                f.DestinationAddress = d;
                f.Present |= FlowFields.DestinationAddress;
            }
            if (!f.SourceAddress.IsSet && !f.DestinationAddress.IsSet)
            {
                error = "no source.ip or destination.ip";
                return false;
            }
            if (Ip(root, "observer.ip") is { } o) f.Exporter = o;
            if (Num(root, "source.port") is { } sp && Num(root, "destination.port") is { } dp)
            {
                f.SourcePort = (ushort)sp;
                f.DestinationPort = (ushort)dp;
                f.Present |= FlowFields.Ports;
            }
            long? proto = Num(root, "network.iana_number") ?? Str(root, "network.transport") switch
            {
                "tcp" => 6, "udp" => 17, "icmp" => 1, "ipv6-icmp" => 58, "gre" => 47, "esp" => 50, "ah" => 51, "sctp" => 132, _ => null,
            };
            if (proto is { } p)
            {
                f.Protocol = (byte)p;
                f.Present |= FlowFields.Protocol;
            }
            if (Num(root, "source.bytes") is { } sb)
            {
                f.Bytes = f.RawBytes = (ulong)sb;
                f.Present |= FlowFields.Bytes;
            }
            if (Num(root, "source.packets") is { } spk)
            {
                f.Packets = f.RawPackets = (ulong)spk;
                f.Present |= FlowFields.Packets;
            }
            if (Num(root, "destination.bytes") is { } db)
            {
                f.ReverseBytes = (ulong)db;
                f.ReversePackets = (ulong)(Num(root, "destination.packets") ?? 0);
                f.Present |= FlowFields.ReverseCounters;
            }
            if (Num(root, "flowrelay.tcp_flags") is { } tf)
            {
                f.TcpFlags = (byte)tf;
                f.Present |= FlowFields.TcpFlags;
            }
            if (Time(root, "event.start") is { } start)
            {
                f.StartNs = start;
                f.Present |= FlowFields.Start;
            }
            long? end = Time(root, "event.end") ?? Time(root, "@timestamp");
            if (end is null)
            {
                error = "no event time (@timestamp or event.end)";
                return false;
            }
            f.EndNs = f.ReceivedNs = end.Value;
            f.Present |= FlowFields.End;
            f.SamplingRate = 1;
            if (Str(root, "network.community_id") is { Length: CommunityIdValue.Length } cid)
            {
                System.Text.Encoding.ASCII.GetBytes(cid, e.CommunityId.Bytes);
                e.CommunityId.HasValue = true;
            }
            e.Direction = Str(root, "network.direction") switch
            {
                "inbound" => NetworkDirection.Inbound, "outbound" => NetworkDirection.Outbound, "internal" => NetworkDirection.Internal,
                "external" => NetworkDirection.External, "unknown" => NetworkDirection.Unknown, _ => NetworkDirection.None,
            };
            if (Ip(root, "flowrelay.internal_host.ip") is { } host)
            {
                e.InternalSide = host == f.SourceAddress ? InternalSide.Source : host == f.DestinationAddress ? InternalSide.Destination : InternalSide.None;
                e.UploadBytes = (ulong)(Num(root, "flowrelay.upload.bytes") ?? 0);
                e.UploadPackets = (ulong)(Num(root, "flowrelay.upload.packets") ?? 0);
                e.DownloadBytes = (ulong)(Num(root, "flowrelay.download.bytes") ?? 0);
                e.DownloadPackets = (ulong)(Num(root, "flowrelay.download.packets") ?? 0);
            }
            e.SourceDomain = Str(root, "source.domain");
            e.DestinationDomain = Str(root, "destination.domain");
            e.SourceRegisteredDomain = Str(root, "source.registered_domain");
            e.DestinationRegisteredDomain = Str(root, "destination.registered_domain");
            e.ApplicationProtocol = Str(root, "network.protocol");
            return true;
        }
    }
}

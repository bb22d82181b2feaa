using System.Net;
using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Zones, sites, direction and upload/download. Each side gets the named networks it is in
/// (<c>flowrelay.*.zone</c>) and its most specific named site; <c>network.direction</c> follows from
/// whether each side is in the <c>internal</c> network, the way Elastic's network direction
/// processor judges it; for inbound and outbound flows the bytes are split into upload (sent by
/// the internal host) and download (received by it), whoever started the connection.
/// </summary>
public sealed class NetworkEnricher : IFlowEnricher
{
    /// <summary>The network whose members count as inside for <c>network.direction</c>.</summary>
    public const string InternalNetwork = "internal";

    private readonly ZoneNames _names;
    private readonly IpRangeMap<ZonesAndSite> _map;
    private readonly ulong _internalBit;
    private readonly string[] _siteNames;

    /// <summary>
    /// Compiles the named networks (name → CIDRs; the word <c>private</c> expands to
    /// <see cref="SpecialPurposeNetworks.Private"/>) and sites. A missing <c>internal</c> network
    /// means the special-purpose ranges. Throws <see cref="ArgumentException"/> on a bad CIDR.
    /// </summary>
    public NetworkEnricher(IEnumerable<KeyValuePair<string, List<string>>> networks, IEnumerable<KeyValuePair<string, List<string>>>? sites = null)
    {
        var list = networks.Select(kv => (kv.Key, (IReadOnlyList<string>)kv.Value)).ToList();
        if (!list.Any(n => string.Equals(n.Key, InternalNetwork, StringComparison.OrdinalIgnoreCase)))
            list.Insert(0, (InternalNetwork, [SpecialPurposeNetworks.Keyword]));
        _names = new ZoneNames(list.Select(n => n.Key).ToList());
        _internalBit = 1UL << _names.IndexOf(InternalNetwork);

        // Zones and sites in one map, so each address is searched once: a range's zones are the
        // union of the networks covering it; its site is the most specific site covering it (of
        // equal prefixes, the later in the configuration), whatever zones lie between.
        var entries = new List<(IPNetwork, ZonesAndSite)>();
        for (int i = 0; i < list.Count; i++)
        {
            foreach (var cidr in Expand(list[i].Item2)) entries.Add((Parse(cidr, list[i].Key), new ZonesAndSite(1UL << i, NoSite)));
        }
        var siteList = (sites ?? []).ToList();
        _siteNames = siteList.Select(s => s.Key).ToArray();
        for (int i = 0; i < siteList.Count; i++)
        {
            foreach (var cidr in Expand(siteList[i].Value)) entries.Add((Parse(cidr, siteList[i].Key), new ZonesAndSite(0, i)));
        }
        _map = IpRangeMap<ZonesAndSite>.Build(entries,
            static (broader, specific) => new(broader.Zones | specific.Zones, specific.Site != NoSite ? specific.Site : broader.Site));
    }

    /// <summary>The configured network names, in order (index = bit in <see cref="ZoneSet.Mask"/>).</summary>
    public ZoneNames Names => _names;

    /// <summary>The zones of one address.</summary>
    public ZoneSet ZonesOf(in IpAddr address) => new(_map.TryGet(address, out ZonesAndSite z) ? z.Zones : 0, _names);

    /// <summary>The direction for a source/destination pair.</summary>
    public NetworkDirection DirectionOf(in IpAddr source, in IpAddr destination)
    {
        if (!source.IsSet || !destination.IsSet) return NetworkDirection.Unknown;
        bool srcIn = _map.TryGet(source, out ZonesAndSite s) && (s.Zones & _internalBit) != 0;
        bool dstIn = _map.TryGet(destination, out ZonesAndSite d) && (d.Zones & _internalBit) != 0;
        return Direction(srcIn, dstIn);
    }

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            ref FlowRecord f = ref e.Flow;
            if (!_map.TryGet(f.SourceAddress, out ZonesAndSite src)) src = Outside;
            if (!_map.TryGet(f.DestinationAddress, out ZonesAndSite dst)) dst = Outside;
            e.SourceZones = new ZoneSet(src.Zones, _names);
            e.DestinationZones = new ZoneSet(dst.Zones, _names);
            e.SourceSite = src.Site != NoSite ? _siteNames[src.Site] : null;
            e.DestinationSite = dst.Site != NoSite ? _siteNames[dst.Site] : null;
            e.Direction = !f.SourceAddress.IsSet || !f.DestinationAddress.IsSet
                ? NetworkDirection.Unknown
                : Direction((e.SourceZones.Mask & _internalBit) != 0, (e.DestinationZones.Mask & _internalBit) != 0);

            // Only this record's own counters: a one-way record carries one direction, and its
            // reverse record (if exported) carries the other, so sums over documents stay right.
            bool hasReverse = (f.Present & FlowFields.ReverseCounters) != 0;
            ulong revBytes = hasReverse ? f.ReverseBytes : 0;
            ulong revPackets = hasReverse ? f.ReversePackets : 0;
            switch (e.Direction)
            {
                case NetworkDirection.Outbound:
                    e.InternalSide = InternalSide.Source;
                    (e.UploadBytes, e.UploadPackets, e.DownloadBytes, e.DownloadPackets) = (f.Bytes, f.Packets, revBytes, revPackets);
                    break;
                case NetworkDirection.Inbound:
                    e.InternalSide = InternalSide.Destination;
                    (e.UploadBytes, e.UploadPackets, e.DownloadBytes, e.DownloadPackets) = (revBytes, revPackets, f.Bytes, f.Packets);
                    break;
                default:
                    e.InternalSide = InternalSide.None;
                    (e.UploadBytes, e.UploadPackets, e.DownloadBytes, e.DownloadPackets) = (0, 0, 0, 0);
                    break;
            }
        }
    }

    private const int NoSite = -1;

    private static readonly ZonesAndSite Outside = new(0, NoSite);

    /// <summary>What the map holds per range: the networks' bits and the site's index (or <see cref="NoSite"/>).</summary>
    private readonly record struct ZonesAndSite(ulong Zones, int Site);

    private static NetworkDirection Direction(bool sourceInternal, bool destinationInternal) => (sourceInternal, destinationInternal) switch
    {
        (true, true) => NetworkDirection.Internal,
        (true, false) => NetworkDirection.Outbound,
        (false, true) => NetworkDirection.Inbound,
        _ => NetworkDirection.External,
    };

    private static IEnumerable<string> Expand(IReadOnlyList<string> cidrs)
    {
        foreach (var c in cidrs)
        {
            if (string.Equals(c?.Trim(), SpecialPurposeNetworks.Keyword, StringComparison.OrdinalIgnoreCase))
            {
                foreach (var p in SpecialPurposeNetworks.Private) yield return p;
            }
            else
            {
                yield return c!;
            }
        }
    }

    private static IPNetwork Parse(string cidr, string name) =>
        IpRangeMap<int>.TryParseCidr(cidr, out var n) ? n : throw new ArgumentException($"network '{name}': '{cidr}' is not a CIDR range or address");
}

using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>Fills <see cref="FlowEvent.CommunityId"/> (ECS <c>network.community_id</c>) for every flow.</summary>
public sealed class CommunityIdEnricher : IFlowEnricher
{
    private readonly ushort _seed;

    /// <summary>Creates the enricher with the Community ID seed (0 unless the site agreed on another).</summary>
    public CommunityIdEnricher(ushort seed = 0) => _seed = seed;

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            ref FlowRecord f = ref e.Flow;
            ushort sport = f.SourcePort;
            ushort dport = f.DestinationPort;
            if (f.Protocol is 1 or 58)
            {
                // NetFlow exporters carry ICMP type*256+code in the destination port when they
                // have no dedicated ICMP element (Cisco's v5 convention, followed by softflowd).
                ushort typeCode = (f.Present & FlowFields.IcmpTypeCode) != 0 ? f.IcmpTypeCode : f.DestinationPort;
                sport = (ushort)(typeCode >> 8);
                dport = (ushort)(typeCode & 0xFF);
            }
            e.CommunityId.HasValue = CommunityId.TryCompute(
                f.SourceAddress, f.DestinationAddress, f.Protocol, sport, dport, e.CommunityId.Bytes, _seed);
        }
    }
}

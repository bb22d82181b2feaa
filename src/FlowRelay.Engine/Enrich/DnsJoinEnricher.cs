using FlowRelay.Engine.Events;
using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>
/// Names flow endpoints from earlier DNS answers (<see cref="DnsAnswerCache"/>): ECS
/// <c>destination.domain</c>/<c>destination.registered_domain</c> when the source (the asking
/// client) or anyone resolved the destination before the flow, and likewise <c>source.domain</c>
/// for the reverse record of such a conversation. For outbound flows, once DNS answers are
/// arriving, <c>flowrelay.destination.resolved</c> says whether anyone resolved the destination:
/// an upload to a raw IP that nobody looked up is worth a rule.
/// </summary>
public sealed class DnsJoinEnricher : IFlowEnricher
{
    private readonly DnsAnswerCache _cache;

    public DnsJoinEnricher(DnsAnswerCache cache) => _cache = cache;

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        bool fed = _cache.IsFed;
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            ref FlowRecord f = ref e.Flow;
            // The flow must start after the answer: use its start, else its end, else arrival.
            long t = f.StartNs != 0 ? f.StartNs : f.EndNs != 0 ? f.EndNs : f.ReceivedNs;
            ulong srcHash = FastHash.Of(f.SourceAddress), dstHash = FastHash.Of(f.DestinationAddress);
            bool dst = _cache.TryResolve(srcHash, dstHash, t, out DnsAnswer d, out _);
            e.DestinationDomain = dst ? d.Name : null;
            e.DestinationRegisteredDomain = dst ? d.RegisteredDomain : null;
            bool src = _cache.TryResolve(dstHash, srcHash, t, out DnsAnswer s, out _);
            e.SourceDomain = src ? s.Name : null;
            e.SourceRegisteredDomain = src ? s.RegisteredDomain : null;
            e.DestinationResolved = fed && e.Direction == NetworkDirection.Outbound ? dst : null;
        }
    }
}

using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Enrich;

/// <summary>Sets ECS <c>source.geo.*</c>/<c>source.as.*</c> and <c>destination.geo.*</c>/<c>destination.as.*</c> from MaxMind databases.</summary>
public sealed class GeoIpEnricher : IFlowEnricher
{
    private readonly GeoIpLookup _lookup;

    public GeoIpEnricher(GeoIpLookup lookup) => _lookup = lookup;

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            e.SourceGeo = _lookup.Find(e.Flow.SourceAddress);
            e.DestinationGeo = _lookup.Find(e.Flow.DestinationAddress);
        }
    }
}

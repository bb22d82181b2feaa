using FlowRelay.Engine.Events;

namespace FlowRelay.Engine.Enrich;

/// <summary>Attaches the inventory entry of each side (<c>flowrelay.*.asset.*</c>; ECS <c>host.name</c> for the internal side).</summary>
public sealed class AssetEnricher : IFlowEnricher
{
    private readonly AssetInventory _inventory;

    public AssetEnricher(AssetInventory inventory) => _inventory = inventory;

    /// <inheritdoc />
    public void Enrich(Span<FlowEvent> events)
    {
        for (int i = 0; i < events.Length; i++)
        {
            ref FlowEvent e = ref events[i];
            e.SourceAsset = _inventory.Find(e.Flow.SourceAddress);
            e.DestinationAsset = _inventory.Find(e.Flow.DestinationAddress);
        }
    }
}

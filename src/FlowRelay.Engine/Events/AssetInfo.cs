namespace FlowRelay.Engine.Events;

/// <summary>One entry of the asset inventory: the host behind an address or range. Immutable and shared.</summary>
public sealed class AssetInfo
{
    /// <summary>Host name (ECS <c>host.name</c> for the internal side).</summary>
    public required string Name { get; init; }

    /// <summary>Who answers for the host (team or person).</summary>
    public string? Owner { get; init; }

    /// <summary>Business criticality as the inventory says it (for example low, medium, high, critical).</summary>
    public string? Criticality { get; init; }
}

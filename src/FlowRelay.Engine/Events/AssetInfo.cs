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

    /// <summary>
    /// The <c>asset</c> member as the flow document writer writes it, made on first use, one per
    /// escaping (relaxed, the default encoder's). Assets are immutable and shared by every flow of
    /// the host, so this is serialised once, not per document.
    /// </summary>
    internal byte[]? EcsRelaxed, EcsDefault;
}

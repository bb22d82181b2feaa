namespace FlowRelay.Engine.Events;

/// <summary>
/// ECS <c>network.direction</c> judged from the zones of the two sides (perimeter-based, as Elastic's
/// network direction processor and netflow integration do): internal→external is outbound,
/// external→internal inbound, both internal internal, neither external.
/// </summary>
public enum NetworkDirection : byte
{
    /// <summary>Not computed (no network enricher ran).</summary>
    None = 0,

    /// <summary>An address is missing, so the direction cannot be judged.</summary>
    Unknown,

    Inbound,
    Outbound,
    Internal,
    External,
}

namespace FlowRelay.Engine.Rules.Fields;

/// <summary>The value type of an event field as the rule compiler sees it.</summary>
public enum FieldKind
{
    /// <summary>An IPv4/IPv6 address (<see cref="FlowRelay.Protocols.Flows.IpAddr"/>): equality, <c>cidr</c>.</summary>
    Ip,

    /// <summary>An integer held as <see cref="long"/>: equality, <c>lt/lte/gt/gte</c>.</summary>
    Number,

    /// <summary>UTF-8 text: equality with wildcards, <c>contains/startswith/endswith</c>, <c>re</c>.</summary>
    Text,
}

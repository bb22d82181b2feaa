using FlowRelay.Protocols.Flows;

namespace FlowRelay.Engine.Enrich;

/// <summary>A one-way flow's identity as the exporter saw it: exporter, protocol and the 5-tuple.</summary>
public readonly struct FlowKey : IEquatable<FlowKey>
{
    public readonly IpAddr Exporter;
    public readonly IpAddr Source;
    public readonly IpAddr Destination;
    public readonly ushort SourcePort;
    public readonly ushort DestinationPort;
    public readonly byte Protocol;

    public FlowKey(IpAddr exporter, IpAddr source, IpAddr destination, ushort sourcePort, ushort destinationPort, byte protocol)
    {
        Exporter = exporter;
        Source = source;
        Destination = destination;
        SourcePort = sourcePort;
        DestinationPort = destinationPort;
        Protocol = protocol;
    }

    /// <summary>The key of the record going the other way (same exporter, swapped 5-tuple).</summary>
    public FlowKey Reverse() => new(Exporter, Destination, Source, DestinationPort, SourcePort, Protocol);

    public bool Equals(FlowKey other) =>
        Source.Equals(other.Source) && Destination.Equals(other.Destination) && SourcePort == other.SourcePort &&
        DestinationPort == other.DestinationPort && Protocol == other.Protocol && Exporter.Equals(other.Exporter);

    public override bool Equals(object? obj) => obj is FlowKey k && Equals(k);

    public override int GetHashCode() => HashCode.Combine(Source.Lo, Source.Hi, Destination.Lo, Destination.Hi,
        SourcePort | (DestinationPort << 16), Protocol, Exporter.Lo, Exporter.Hi);
}

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

    /// <summary>
    /// Symmetric: a key and its <see cref="Reverse"/> hash alike, so in a
    /// <see cref="BoundedCache{TKey,TValue}"/> a record and the record going the other way share a
    /// set, and looking up the reverse of what was just stored touches memory already in cache.
    /// </summary>
    public override int GetHashCode() => Hash(FastHash.Of(Exporter), Source, Destination, SourcePort, DestinationPort, Protocol);

    /// <summary>What <see cref="GetHashCode"/> returns for these parts, with the exporter's <see cref="FastHash.Of(in IpAddr)"/> given.</summary>
    internal static int Hash(ulong exporterHash, in IpAddr source, in IpAddr destination, ushort sourcePort, ushort destinationPort, byte protocol)
    {
        ulong sides = FastHash.Of(source, sourcePort) + FastHash.Of(destination, destinationPort); // order-blind
        return FastHash.Fold(FastHash.Mix(sides ^ protocol, exporterHash));
    }
}

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
    /// Symmetric but for one tag bit: a key and its <see cref="Reverse"/> hash alike in the bits a
    /// <see cref="BoundedCache{TKey,TValue}"/> picks the set from, so a record and the record going
    /// the other way share a set (looking up the reverse of what was just stored touches memory
    /// already in cache), and differ in bit 1, which only goes into the tag (the lookup does not
    /// compare the record's own key on the way).
    /// </summary>
    public override int GetHashCode() => Hash(FastHash.Of(Exporter), Source, Destination, SourcePort, DestinationPort, Protocol, out _);

    /// <summary>
    /// What <see cref="GetHashCode"/> returns for these parts, with the exporter's
    /// <see cref="FastHash.Of(in IpAddr)"/> given; <paramref name="reverseHash"/> is the reverse key's.
    /// </summary>
    internal static int Hash(ulong exporterHash, in IpAddr source, in IpAddr destination, ushort sourcePort, ushort destinationPort,
        byte protocol, out int reverseHash) =>
        Hash(exporterHash, FastHash.Of(source, sourcePort), FastHash.Of(destination, destinationPort), protocol, out reverseHash);

    /// <summary>
    /// A 64-bit fingerprint of the key, and in <paramref name="reverse"/> its <see cref="Reverse"/>'s:
    /// the low 32 bits are <see cref="GetHashCode"/> (so the two still share a set of a
    /// <see cref="BoundedCache{TKey,TValue}"/>), the high 32 a hash of the same parts in their
    /// order. A table that keeps fingerprints instead of keys (<see cref="ClientServerEnricher"/>'s)
    /// takes two flows for one when all 64 bits agree: for two given flows about one chance in 2^63,
    /// far below one in a billion over the ~4 keys a lookup meets.
    /// </summary>
    internal static ulong Fingerprint(ulong exporterHash, in IpAddr source, in IpAddr destination, ushort sourcePort,
        ushort destinationPort, byte protocol, out ulong reverse)
    {
        ulong s = FastHash.Of(source, sourcePort), d = FastHash.Of(destination, destinationPort);
        int h = Hash(exporterHash, s, d, protocol, out int reverseHash);
        ulong side = exporterHash ^ protocol;
        reverse = FastHash.Mix(d, s ^ side) & 0xFFFF_FFFF_0000_0000 | (uint)reverseHash;
        return FastHash.Mix(s, d ^ side) & 0xFFFF_FFFF_0000_0000 | (uint)h;
    }

    private static int Hash(ulong exporterHash, ulong s, ulong d, byte protocol, out int reverseHash)
    {
        int h = FastHash.Fold(FastHash.Mix((s + d) ^ protocol, exporterHash)) & ~2; // s + d: order-blind
        if (s == d)
        {
            // The two sides hash alike (the same side, or a collision): so do the key and its reverse.
            reverseHash = h;
            return h;
        }
        reverseHash = s < d ? h : h | 2;
        return s < d ? h | 2 : h;
    }
}

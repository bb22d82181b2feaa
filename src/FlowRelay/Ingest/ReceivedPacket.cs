using FlowRelay.Protocols.Flows;

namespace FlowRelay.Ingest;

/// <summary>
/// One datagram on its way from a socket to the decoder. <see cref="Buffer"/> is rented from
/// <see cref="System.Buffers.ArrayPool{T}.Shared"/>; whoever takes the packet off the channel returns it.
/// </summary>
public readonly record struct ReceivedPacket(byte[] Buffer, int Length, IpAddr Exporter, long ReceivedNs)
{
    /// <summary>The datagram's bytes.</summary>
    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);
}

using System.Buffers;
using System.Threading.Channels;

namespace FlowRelay.Ingest;

/// <summary>
/// The bounded queue between the UDP receivers (many writers) and the flow pipeline (one reader).
/// When full, a datagram is dropped at the socket and counted rather than queued without bound.
/// </summary>
public sealed class PacketChannel
{
    private readonly Channel<ReceivedPacket> _channel;

    public PacketChannel(int capacity)
    {
        Capacity = capacity;
        _channel = Channel.CreateBounded<ReceivedPacket>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            // Wait mode makes TryWrite fail when full, so the receiver decides (drop, count, return the buffer).
            FullMode = BoundedChannelFullMode.Wait,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Most packets queued at once.</summary>
    public int Capacity { get; }

    public ChannelReader<ReceivedPacket> Reader => _channel.Reader;

    /// <summary>Packets queued right now.</summary>
    public int Count => _channel.Reader.CanCount ? _channel.Reader.Count : 0;

    /// <summary>Queues a packet; false when the queue is full (the caller still owns the buffer).</summary>
    public bool TryWrite(in ReceivedPacket packet) => _channel.Writer.TryWrite(packet);

    /// <summary>Returns a packet's buffer to the pool once it has been processed or dropped.</summary>
    public static void Release(in ReceivedPacket packet) => ArrayPool<byte>.Shared.Return(packet.Buffer);
}

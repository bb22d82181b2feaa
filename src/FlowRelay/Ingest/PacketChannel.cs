using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace FlowRelay.Ingest;

/// <summary>
/// The bounded queue between the UDP receivers (many writers) and the flow pipeline (one reader).
/// When full, a receiver waits for room (<see cref="WriteWhenRoom"/>) and stops reading its socket
/// meanwhile, so the kernel's receive buffer holds what arrives: back-pressure into a buffer the
/// relay does not pay for, never unbounded memory. What overflows that buffer the kernel drops and
/// counts (<c>ingest.dropped_by_kernel</c>).
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

    /// <summary>
    /// Queues a packet once the queue has room, waiting as long as it takes unless
    /// <paramref name="stopping"/> is cancelled (<see cref="QueueWait"/>); false only then, when
    /// there was still no room (the caller still owns the buffer).
    /// </summary>
    public bool WriteWhenRoom(in ReceivedPacket packet, CancellationToken stopping) => QueueWait.WriteWhenRoom(_channel.Writer, packet, stopping);

    /// <summary>A buffer for a datagram of <paramref name="length"/> bytes; give it back with <see cref="Release"/> (or <see cref="Return"/>).</summary>
    public static byte[] Rent(int length) => length <= SlotSize ? (Slots.TryDequeue(out var b) ? DecrementFree(b) : new byte[SlotSize]) : ArrayPool<byte>.Shared.Rent(length);

    /// <summary>Returns a packet's buffer to the pool once it has been processed or dropped.</summary>
    public static void Release(in ReceivedPacket packet) => Return(packet.Buffer);

    /// <summary>Returns a buffer from <see cref="Rent"/>.</summary>
    public static void Return(byte[] buffer)
    {
        if (buffer.Length != SlotSize)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        if (Interlocked.Increment(ref _free) <= MaxFreeSlots) Slots.Enqueue(buffer);
        else Interlocked.Decrement(ref _free);
    }

    /// <summary>
    /// Datagrams up to this size (every exporter that keeps to a 1500-byte MTU) get a buffer from a pool
    /// of their own, larger ones from <see cref="ArrayPool{T}.Shared"/>. The shared pool keeps a few
    /// dozen arrays per size, while a queue that is a few thousand packets deep for a moment (a
    /// collection, a burst) holds thousands: each rent past that allocated, each return dropped the
    /// array for the collector, and queued packets lived long enough to be promoted first. These
    /// slots are kept, up to <see cref="MaxFreeSlots"/> (32 MB), and reused for the life of the process.
    /// </summary>
    public const int SlotSize = 2048;

    /// <summary>Most free slots kept (a queue of the largest capacity worth, at 2 KB each).</summary>
    public const int MaxFreeSlots = 16384;

    private static readonly ConcurrentQueue<byte[]> Slots = new();
    private static int _free;

    private static byte[] DecrementFree(byte[] buffer)
    {
        Interlocked.Decrement(ref _free);
        return buffer;
    }
}
